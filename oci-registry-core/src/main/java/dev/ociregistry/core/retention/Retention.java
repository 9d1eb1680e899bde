package dev.ociregistry.core.retention;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.gc.Pins;
import dev.ociregistry.core.layout.Catalog;
import dev.ociregistry.core.layout.TagStore;
import dev.ociregistry.core.manifest.ManifestStore;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Applies a {@link RetentionPolicy}: removes the tags its rules do not keep. A tag's age is when it
 * was last pushed (its ref's time). Tags naming a pinned digest stay. Only tags go; the manifests
 * they named start their untagged age and garbage collection frees them after the grace period.
 *
 * <p>Safe for concurrent use; pushes go on while it runs, and a tag pushed again meanwhile may be
 * removed on the ages it had when the run read them.
 */
public final class Retention {
  private final RegistryMetadata metadata;
  private final Catalog catalog;
  private final TagStore tags;
  private final ManifestStore manifests;
  private final Pins pins;
  private final Clock clock;

  /**
   * Retention over the registry's stores; an application gets the registry's one.
   *
   * @param metadata the registry's metadata, for the times tags were set
   * @param catalog lists the repositories
   * @param tags lists and resolves tags
   * @param manifests removes tags
   * @param pins the pinned digests, whose tags stay
   * @param clock the clock ages are measured against
   */
  public Retention(
      RegistryMetadata metadata,
      Catalog catalog,
      TagStore tags,
      ManifestStore manifests,
      Pins pins,
      Clock clock) {
    this.metadata = metadata;
    this.catalog = catalog;
    this.tags = tags;
    this.manifests = manifests;
    this.pins = pins;
    this.clock = clock;
  }

  private record AgedTag(Tag tag, Instant pushed, Optional<Digest> digest) {}

  /**
   * Removes (or, in a dry run, lists) the tags {@code policy} does not keep, in every repository a
   * rule matches.
   *
   * @param policy the rules
   * @param dryRun whether to only list what would go
   * @return the tags removed (or that would be)
   * @throws IOException when the storage fails; tags removed so far stay removed
   */
  public RetentionReport apply(RetentionPolicy policy, boolean dryRun) throws IOException {
    Instant started = clock.instant();
    List<String> removed = new ArrayList<>();
    List<Pin> allPins = pins.list();
    for (RepositoryName repository : catalog.list()) {
      Optional<RetentionPolicy.Rule> rule = policy.ruleFor(repository);
      if (rule.isEmpty()) {
        continue;
      }
      Set<Digest> pinned = new HashSet<>();
      for (Pin pin : allPins) {
        if (pin.repository().equals(repository)) {
          pinned.add(pin.digest());
        }
      }
      for (Tag tag : doomed(repository, rule.get(), pinned, started)) {
        if (!dryRun) {
          try {
            manifests.deleteTag(repository, tag);
          } catch (RegistryException e) {
            if (e.code() != ErrorCode.MANIFEST_UNKNOWN) {
              throw e;
            }
            continue;
          }
        }
        removed.add(repository + ":" + tag);
      }
    }
    return new RetentionReport(removed, Duration.between(started, clock.instant()), dryRun);
  }

  private List<Tag> doomed(
      RepositoryName repository, RetentionPolicy.Rule rule, Set<Digest> pinned, Instant now)
      throws IOException {
    List<AgedTag> aged = new ArrayList<>();
    for (Tag tag : tags.list(repository)) {
      Optional<Instant> ref = metadata.tagChanged(repository, tag);
      if (ref.isPresent()) {
        aged.add(new AgedTag(tag, ref.get(), resolve(repository, tag)));
      }
    }
    aged.sort(
        Comparator.comparing(AgedTag::pushed).reversed().thenComparing(tag -> tag.tag().value()));
    List<Tag> doomed = new ArrayList<>();
    for (int rank = 0; rank < aged.size(); rank++) {
      AgedTag tag = aged.get(rank);
      boolean beyondNewest = rule.keepNewest().isPresent() && rank >= rule.keepNewest().getAsInt();
      boolean tooOld =
          rule.maxAge().isPresent() && tag.pushed().isBefore(now.minus(rule.maxAge().get()));
      boolean kept =
          rule.alwaysKeeps(tag.tag().value()) || tag.digest().map(pinned::contains).orElse(false);
      if ((beyondNewest || tooOld) && !kept) {
        doomed.add(tag.tag());
      }
    }
    return doomed;
  }

  private Optional<Digest> resolve(RepositoryName repository, Tag tag) throws IOException {
    try {
      return tags.resolve(repository, tag);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
