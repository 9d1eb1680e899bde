package dev.ociregistry.controller.auth;

import dev.ociregistry.controller.credentials.ActiveJobs.PinnedArtifact;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.servlet.RegistryAction;
import dev.ociregistry.servlet.RegistryAuthorizer;
import dev.ociregistry.servlet.Route;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The registry's authorizer with job credentials beside the users: a request with a job's
 * credential may only read, in the job's repository, the pinned manifest and what it references, by
 * digest; every other request goes to the users' authorizer.
 */
final class JobCredentialAuthorizer implements RegistryAuthorizer {
  private final RegistryAuthorizer users;
  private final JobLogins jobs;

  JobCredentialAuthorizer(RegistryAuthorizer users, JobLogins jobs) {
    this.users = users;
    this.jobs = jobs;
  }

  @Override
  public void authorize(
      HttpServletRequest request, RegistryAction action, Optional<RepositoryName> repository) {
    Optional<PinnedArtifact> job = jobs.of(request).map(JobLogins.JobLogin::artifact);
    if (job.isEmpty()) {
      users.authorize(request, action, repository);
      return;
    }
    if (action == RegistryAction.PING || action == RegistryAction.CATALOG) {
      return;
    }
    if (action == RegistryAction.READ
        && repository.equals(Optional.of(job.get().repository()))
        && pinnedDigestOf(request).filter(digest -> jobs.covers(job.get(), digest)).isPresent()) {
      return;
    }
    throw new RegistryException(
        ErrorCode.DENIED,
        "a job credential reads only its job's artifact, by digest, in " + job.get().repository(),
        repository.map(RepositoryName::value).orElse(null));
  }

  @Override
  public boolean permits(
      HttpServletRequest request, RegistryAction action, RepositoryName repository) {
    Optional<PinnedArtifact> job = jobs.of(request).map(JobLogins.JobLogin::artifact);
    if (job.isEmpty()) {
      return users.permits(request, action, repository);
    }
    return action == RegistryAction.READ && repository.equals(job.get().repository());
  }

  @Override
  public Optional<String> challenge() {
    return users.challenge();
  }

  /** The digest a manifest or blob request names, if it names one. */
  private static Optional<Digest> pinnedDigestOf(HttpServletRequest request) {
    return Route.match(request.getPathInfo())
        .filter(match -> match.route() == Route.MANIFEST || match.route() == Route.BLOB)
        .map(Route.Match::param)
        .filter(Digest::isValid)
        .map(Digest::parse);
  }
}
