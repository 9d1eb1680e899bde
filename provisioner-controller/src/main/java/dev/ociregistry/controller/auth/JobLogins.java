package dev.ociregistry.controller.auth;

import dev.ociregistry.controller.credentials.ActiveJobs;
import dev.ociregistry.controller.credentials.ActiveJobs.PinnedArtifact;
import dev.ociregistry.controller.credentials.JobTokens;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.ManifestDocument;
import dev.ociregistry.servlet.auth.BasicAuthenticator;
import dev.ociregistry.servlet.auth.BasicCredentials;
import dev.ociregistry.servlet.auth.Principal;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logins with a job's pull credential: recognised by the user name {@code job-<id>}, accepted while
 * the job is active, and good only for reading what the job pinned (its manifest and everything it
 * references, in its repository).
 */
final class JobLogins {
  private static final int MAX_INDEX_DEPTH = 8;
  private static final int MAX_CACHED = 10_000;

  private static final String LOGIN_ATTRIBUTE = JobLogins.class.getName() + ".login";

  private final JobTokens tokens;
  private final ActiveJobs jobs;
  private final Optional<OciRegistry> registry;
  private final ConcurrentHashMap<PinnedArtifact, Set<Digest>> closures = new ConcurrentHashMap<>();

  JobLogins(JobTokens tokens, ActiveJobs jobs, Optional<OciRegistry> registry) {
    this.tokens = tokens;
    this.jobs = jobs;
    this.registry = registry;
  }

  /** A request that carries the credential of an active job. */
  record JobLogin(UUID job, PinnedArtifact artifact) {}

  /**
   * The job whose credential the request carries; empty when it carries none (a user's credentials,
   * or none at all).
   *
   * @throws RegistryException {@link ErrorCode#UNAUTHORIZED} for a job credential that is wrong, or
   *     whose job has ended
   */
  Optional<JobLogin> of(HttpServletRequest request) {
    // Asked once per request by the filter and once per repository a catalog page lists.
    if (request.getAttribute(LOGIN_ATTRIBUTE) instanceof Checked checked) {
      return checked.login();
    }
    Optional<JobLogin> login = check(request);
    request.setAttribute(LOGIN_ATTRIBUTE, new Checked(login));
    return login;
  }

  private record Checked(Optional<JobLogin> login) {}

  private Optional<JobLogin> check(HttpServletRequest request) {
    Optional<BasicCredentials> credentials;
    try {
      credentials = BasicCredentials.of(request);
    } catch (RegistryException e) {
      return Optional.empty(); // not Basic at all: the users' authenticator answers it
    }
    Optional<UUID> job = credentials.flatMap(given -> JobTokens.jobOf(given.user()));
    if (job.isEmpty()) {
      return Optional.empty();
    }
    Optional<PinnedArtifact> artifact = jobs.pinnedArtifact(job.get());
    if (!tokens.matches(job.get(), credentials.get().password()) || artifact.isEmpty()) {
      throw new RegistryException(
          ErrorCode.UNAUTHORIZED, "this job credential is not valid, or its job has ended");
    }
    request.setAttribute(
        BasicAuthenticator.PRINCIPAL_ATTRIBUTE, new Principal(JobTokens.userOf(job.get())));
    return Optional.of(new JobLogin(job.get(), artifact.get()));
  }

  /** Whether {@code digest} is the pinned manifest or something it references. */
  boolean covers(PinnedArtifact artifact, Digest digest) {
    if (closures.size() > MAX_CACHED) {
      closures.clear();
    }
    return closures.computeIfAbsent(artifact, this::closure).contains(digest);
  }

  private Set<Digest> closure(PinnedArtifact artifact) {
    Set<Digest> found = new HashSet<>();
    collect(artifact, artifact.digest(), found, 0);
    return Set.copyOf(found);
  }

  private void collect(PinnedArtifact artifact, Digest manifest, Set<Digest> found, int depth) {
    if (!found.add(manifest) || depth > MAX_INDEX_DEPTH || registry.isEmpty()) {
      return;
    }
    Optional<ManifestDocument> document;
    try {
      document = registry.get().manifests().document(artifact.repository(), manifest);
    } catch (RegistryException e) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (document.isEmpty()) {
      return;
    }
    for (Descriptor blob : document.get().blobs()) {
      found.add(blob.digest());
    }
    for (Descriptor child : document.get().manifests()) {
      collect(artifact, child.digest(), found, depth + 1);
    }
  }
}
