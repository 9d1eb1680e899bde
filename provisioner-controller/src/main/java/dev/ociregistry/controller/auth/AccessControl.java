package dev.ociregistry.controller.auth;

import dev.ociregistry.controller.config.ConfigException;
import dev.ociregistry.controller.config.ControllerConfig;
import dev.ociregistry.controller.credentials.ActiveJobs;
import dev.ociregistry.controller.credentials.JobTokens;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.servlet.RegistryAuthorizer;
import dev.ociregistry.servlet.auth.AccessPolicy;
import dev.ociregistry.servlet.auth.AuthenticationEvents;
import dev.ociregistry.servlet.auth.BasicAuthenticator;
import dev.ociregistry.servlet.auth.HtpasswdFile;
import dev.ociregistry.servlet.auth.PolicyAuthorizer;
import dev.ociregistry.servlet.auth.PolicyFile;
import dev.ociregistry.servlet.auth.Principal;
import dev.ociregistry.servlet.auth.SingleUser;
import dev.ociregistry.servlet.auth.UserStore;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The controller's authentication and access policy, built once at start from the configuration:
 * the users (one from the environment, or an htpasswd file), the policy (a file, or "authenticated
 * users may do everything"), and the realm the challenge names.
 */
public final class AccessControl {
  /** The realm of the {@code WWW-Authenticate} challenge. */
  public static final String REALM = "oci-registry";

  private final BasicAuthenticator authenticator;
  private final Supplier<AccessPolicy> policy;
  private final boolean metricsNeedAuth;
  private final Optional<JobLogins> jobs;

  private AccessControl(
      BasicAuthenticator authenticator,
      Supplier<AccessPolicy> policy,
      boolean metricsNeedAuth,
      Optional<JobLogins> jobs) {
    this.authenticator = authenticator;
    this.policy = policy;
    this.metricsNeedAuth = metricsNeedAuth;
    this.jobs = jobs;
  }

  /** This access control, letting the credentials of active jobs in too, each for its artifact. */
  public AccessControl withJobCredentials(
      JobTokens tokens, ActiveJobs activeJobs, Optional<OciRegistry> registry) {
    return new AccessControl(
        authenticator,
        policy,
        metricsNeedAuth,
        Optional.of(new JobLogins(tokens, activeJobs, registry)));
  }

  /**
   * Reads the users and the policy the configuration names; empty when authentication is off.
   * Refused logins are told to {@code events}.
   *
   * @throws ConfigException when a file is unreadable or invalid, naming the file and line
   */
  public static Optional<AccessControl> load(
      ControllerConfig.Auth auth, AuthenticationEvents events) throws ConfigException {
    if (auth.mode() == ControllerConfig.AuthMode.NONE) {
      return Optional.empty();
    }
    UserStore users;
    Supplier<AccessPolicy> policy;
    try {
      users =
          auth.mode() == ControllerConfig.AuthMode.BASIC
              ? new SingleUser(
                  auth.basicUser().orElseThrow(), auth.basicPassword().orElseThrow().reveal())
              : HtpasswdFile.load(auth.htpasswdFile().orElseThrow(), auth.allowWeakHashes());
    } catch (IOException e) {
      throw new ConfigException("REGISTRY_HTPASSWD_FILE: " + e.getMessage());
    }
    try {
      policy =
          auth.policyFile().isPresent()
              ? PolicyFile.load(auth.policyFile().get())
              : AccessPolicy::authenticatedMayDoEverything;
    } catch (IOException e) {
      throw new ConfigException("REGISTRY_ACCESS_POLICY_FILE: " + e.getMessage());
    }
    return Optional.of(
        new AccessControl(
            new BasicAuthenticator(users, REALM, events),
            policy,
            auth.metricsNeedAuth(),
            Optional.empty()));
  }

  /**
   * Who may see a job's credential: the holder of that very credential, or whoever may write
   * through the API (an admin, by default); never a user who may only read.
   */
  public boolean mayReadJobCredential(HttpServletRequest request, UUID job) {
    if (!(request.getAttribute(BasicAuthenticator.PRINCIPAL_ATTRIBUTE) instanceof Principal who)) {
      return false;
    }
    return who.name().equals(JobTokens.userOf(job)) || policy.get().mayWriteApi(who);
  }

  /** The authorizer of {@code /v2}. */
  public RegistryAuthorizer registryAuthorizer() {
    RegistryAuthorizer users = new PolicyAuthorizer(authenticator, policy);
    return jobs.<RegistryAuthorizer>map(logins -> new JobCredentialAuthorizer(users, logins))
        .orElse(users);
  }

  /** The filter for the routes beside {@code /v2}. */
  public AccessFilter filter() {
    return new AccessFilter(authenticator, policy, jobs, metricsNeedAuth);
  }
}
