package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ociregistry.controller.audit.AuditLog;
import dev.ociregistry.controller.credentials.ActiveJobs;
import dev.ociregistry.controller.credentials.JobTokens;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.RepositoryName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs, held in memory and persisted one file each as {@code jobs/<id>.json}, and the registry
 * pins that keep their artifacts.
 *
 * <p>Creating a job resolves a local {@code oci_url} to its manifest digest and pins that digest as
 * {@code job-<id>} before the job is written; reaching {@code succeeded} or {@code failed} writes
 * the job, then removes the pin. State changes of one job are serialized. At start-up the pins are
 * reconciled with the jobs, so a crash between the two steps leaves no pin behind and no active job
 * unpinned: pins {@code job-<id>} of unknown or ended jobs are removed, and active jobs whose pin
 * is missing are pinned again while their manifest exists.
 */
final class JobStore implements ActiveJobs {
  static final String DIRECTORY = "jobs";
  private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

  private final ProvisioningDocuments files;
  private final ArtifactResolver resolver;
  private final Clock clock;
  private final AuditLog audit;
  private final boolean issuesCredentials;
  private final ConcurrentHashMap<UUID, Slot> jobs = new ConcurrentHashMap<>();

  /** One job; its monitor serializes the job's state changes. */
  private static final class Slot {
    private volatile Job job;

    Slot(Job job) {
      this.job = job;
    }
  }

  JobStore(ProvisioningDocuments files, ArtifactResolver resolver, Clock clock) {
    this(files, resolver, clock, AuditLog.off(), false);
  }

  /**
   * @param audit where the issue and revocation of job credentials is recorded
   * @param issuesCredentials whether jobs get pull credentials (authentication is on)
   */
  JobStore(
      ProvisioningDocuments files,
      ArtifactResolver resolver,
      Clock clock,
      AuditLog audit,
      boolean issuesCredentials) {
    this.audit = audit;
    this.issuesCredentials = issuesCredentials;
    this.files = files;
    this.resolver = resolver;
    this.clock = clock;
  }

  /**
   * Loads every job file and reconciles the registry's pins with the jobs.
   *
   * @throws IOException naming the file when one is not a valid job
   */
  void load() throws IOException {
    Map<UUID, Job> loaded = new HashMap<>();
    for (String name : files.names(DIRECTORY)) {
      Optional<UUID> id = parseId(name);
      if (id.isEmpty()) {
        LOG.warn("ignoring {}: not a job id", files.path(DIRECTORY, name));
        continue;
      }
      Optional<ObjectNode> file = files.read(DIRECTORY, name);
      if (file.isEmpty()) {
        continue;
      }
      try {
        loaded.put(id.get(), Job.fromFile(file.get(), id.get()));
      } catch (IllegalArgumentException e) {
        throw new IOException(
            files.path(DIRECTORY, name) + " is not a valid job: " + e.getMessage(), e);
      }
    }
    if (!files.shared()) {
      // Kept in memory only when this process alone writes them; shared jobs are read through.
      loaded.forEach((id, job) -> jobs.put(id, new Slot(job)));
    }
    if (resolver.registry().isPresent()) {
      reconcilePins(resolver.registry().get(), loaded);
    }
  }

  @Override
  public Optional<PinnedArtifact> pinnedArtifact(UUID id) {
    Optional<Job> job = current(id);
    if (job.isEmpty()
        || job.get().state().isTerminal()
        || job.get().artifact().digest().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new PinnedArtifact(
            RepositoryName.parse(job.get().artifact().repository()),
            job.get().artifact().digest().get()));
  }

  /** The job of a canonical UUID string, when there is one. */
  Optional<Job> get(String id) {
    return parseId(id).flatMap(this::current);
  }

  /** The job as it is now: from memory, or, when replicas share the jobs, as they stored it. */
  private Optional<Job> current(UUID id) {
    if (!files.shared()) {
      return Optional.ofNullable(jobs.get(id)).map(slot -> slot.job);
    }
    try {
      return files.read(DIRECTORY, id.toString()).map(file -> Job.fromFile(file, id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Job> all() {
    if (!files.shared()) {
      return jobs.values().stream().map(slot -> slot.job).toList();
    }
    List<Job> all = new ArrayList<>();
    try {
      for (String name : files.names(DIRECTORY)) {
        parseId(name).flatMap(this::current).ifPresent(all::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  /** The jobs that pass the filters, oldest first. */
  List<Job> list(Optional<JobState> state, Optional<String> recipe, Optional<String> server) {
    return all().stream()
        .filter(job -> state.map(job.state()::equals).orElse(true))
        .filter(job -> recipe.map(job.recipe().name()::equals).orElse(true))
        .filter(job -> server.map(job.server()::equals).orElse(true))
        .sorted(Comparator.comparing(Job::createdAt).thenComparing(job -> job.id().toString()))
        .toList();
  }

  /**
   * Creates a queued job of {@code recipe} for {@code server}, pinning its artifact when the
   * recipe's {@code oci_url} points here and the registry is enabled; otherwise the job records why
   * it pins nothing. Whether it points here is decided now, from the configured addresses ({@link
   * RegistryAddresses}), whatever was found when the recipe was written.
   *
   * @param at the port the request arrived at, which a name of this machine must carry to be local
   * @throws ApiException 422 naming {@code recipe}, the repository and the tag when a local {@code
   *     oci_url} names no manifest (any more)
   */
  Job create(Recipe recipe, String server, RegistryAddresses.Reached at) throws IOException {
    OciUrl url = recipe.ociUrl();
    UUID id = UUID.randomUUID();
    Optional<OciRegistry> registry = resolver.registry();
    RegistryAddresses.Locality locality = resolver.locate(url, at);
    JobArtifact artifact;
    if (!locality.here()) {
      artifact =
          JobArtifact.unpinned(
              url,
              locality.reason().orElseThrow()
                  + "; the job pins nothing, and the machine pulls "
                  + url
                  + " itself");
    } else if (registry.isEmpty()) {
      artifact =
          JobArtifact.unpinned(
              url,
              "the oci_url points at this registry, but the embedded registry is disabled"
                  + " (ENABLE_REGISTRY=false), so the job pins nothing");
    } else {
      ArtifactResolver.Resolved resolved =
          resolver.find(url).orElseThrow(() -> vanished(recipe, url));
      try {
        registry.get().pins().pin(Job.pinId(id), resolved.repository(), resolved.digest());
      } catch (RegistryException e) {
        throw vanished(recipe, url);
      }
      artifact = JobArtifact.pinned(url, resolved.digest());
    }
    Instant now = now();
    Job job = new Job(id, recipe, server, JobState.QUEUED, Optional.empty(), now, now, artifact);
    try {
      files.write(DIRECTORY, id.toString(), job.toFile());
    } catch (IOException | RuntimeException e) {
      if (artifact.digest().isPresent()) {
        unpin(registry.get(), job);
      }
      throw e;
    }
    if (!files.shared()) {
      jobs.put(id, new Slot(job));
    }
    if (artifact.digest().isPresent()) {
      LOG.info(
          "job {} created: recipe {} on server {}, artifact {} pinned at {}",
          id,
          recipe.name(),
          server,
          url,
          artifact.digest().get());
    } else {
      LOG.info(
          "job {} created: recipe {} on server {}, artifact {} not pinned: {}",
          id,
          recipe.name(),
          server,
          url,
          artifact.unpinned().orElseThrow());
    }
    if (issuesCredentials && artifact.digest().isPresent()) {
      audit.record("job-credential-issued", credentialFields(job));
    }
    return job;
  }

  /**
   * Moves a job to {@code next}, recording {@code message}. Reaching {@code succeeded} or {@code
   * failed} releases the job's pin.
   *
   * @throws ApiException 404 for an unknown job, 409 naming {@code state} for an illegal move
   */
  Job update(String id, JobState next, Optional<String> message) throws IOException {
    if (files.shared()) {
      return updateShared(id, next, message);
    }
    Slot slot = parseId(id).map(jobs::get).orElseThrow(() -> ApiException.noJob(id));
    synchronized (slot) {
      Job updated = moved(id, slot.job, next, message);
      files.write(DIRECTORY, id, updated.toFile());
      slot.job = updated;
      return afterMove(id, updated, next);
    }
  }

  /**
   * A move of a job every replica shares: written only while the job is still what was read, else
   * read again and checked again, so that two replicas never both move one job.
   */
  private Job updateShared(String id, JobState next, Optional<String> message) throws IOException {
    UUID uuid = parseId(id).orElseThrow(() -> ApiException.noJob(id));
    while (true) {
      ObjectNode stored = files.read(DIRECTORY, id).orElseThrow(() -> ApiException.noJob(id));
      Job updated = moved(id, Job.fromFile(stored, uuid), next, message);
      if (files.replace(DIRECTORY, id, stored, updated.toFile())) {
        return afterMove(id, updated, next);
      }
    }
  }

  private Job moved(String id, Job current, JobState next, Optional<String> message) {
    if (!current.state().canMoveTo(next)) {
      throw ApiException.conflict(
          "state",
          "job "
              + id
              + " is "
              + current.state().wireName()
              + " and cannot become "
              + next.wireName()
              + "; legal moves: queued -> running, queued -> failed, running -> succeeded,"
              + " running -> failed");
    }
    return current.moveTo(next, message, now());
  }

  /** Unpins a job that ended, and logs and audits the move. */
  private Job afterMove(String id, Job updated, JobState next) {
    if (next.isTerminal()
        && updated.artifact().digest().isPresent()
        && resolver.registry().isPresent()) {
      unpin(resolver.registry().get(), updated);
    }
    LOG.info("job {} is {}", id, next.wireName());
    if (issuesCredentials && next.isTerminal() && updated.artifact().digest().isPresent()) {
      audit.record("job-credential-revoked", credentialFields(updated));
    }
    return updated;
  }

  private static Map<String, Object> credentialFields(Job job) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("user", JobTokens.userOf(job.id()));
    fields.put("job", job.id().toString());
    fields.put("state", job.state().wireName());
    fields.put("repository", job.artifact().repository());
    fields.put("digest", job.artifact().digest().map(Digest::toString).orElse(null));
    return fields;
  }

  private void reconcilePins(OciRegistry registry, Map<UUID, Job> known) throws IOException {
    Set<String> kept = new HashSet<>();
    for (Pin pin : registry.pins().list()) {
      if (!pin.id().startsWith(Job.PIN_PREFIX)) {
        continue;
      }
      Optional<UUID> id = parseId(pin.id().substring(Job.PIN_PREFIX.length()));
      if (id.isEmpty()) {
        continue;
      }
      Job job = known.get(id.get());
      if (job == null || job.state().isTerminal()) {
        LOG.info("removing pin {}: its job is {}", pin.id(), job == null ? "unknown" : "over");
        registry.pins().unpin(pin.id());
      } else {
        kept.add(pin.id());
      }
    }
    for (Job job : known.values()) {
      if (job.state().isTerminal()
          || job.artifact().digest().isEmpty()
          || kept.contains(job.pinId())) {
        continue;
      }
      try {
        registry
            .pins()
            .pin(
                job.pinId(),
                RepositoryName.parse(job.artifact().repository()),
                job.artifact().digest().get());
        LOG.info("pinned the artifact of job {} again", job.id());
      } catch (RegistryException e) {
        LOG.warn(
            "job {} is {} but its artifact {}@{} is gone from the registry",
            job.id(),
            job.state().wireName(),
            job.artifact().repository(),
            job.artifact().digest().get());
      }
    }
  }

  private static void unpin(OciRegistry registry, Job job) {
    try {
      registry.pins().unpin(job.pinId());
    } catch (IOException | RuntimeException e) {
      // The next start-up removes it; the job's state is what counts.
      LOG.warn("could not remove pin {} of job {}: {}", job.pinId(), job.id(), e.toString());
    }
  }

  private static ApiException vanished(Recipe recipe, OciUrl url) {
    return ArtifactResolver.missing(
        "recipe",
        "the oci_url "
            + url
            + " of recipe "
            + recipe.name()
            + " points at this registry, but "
            + ArtifactResolver.missingWhat(url),
        url);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** A job id: a UUID in its canonical lowercase form, nothing else. */
  static Optional<UUID> parseId(String text) {
    if (text.length() != 36) {
      return Optional.empty();
    }
    try {
      UUID id = UUID.fromString(text);
      return id.toString().equals(text) ? Optional.of(id) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
