package dev.ociregistry.servlet.auth;

import static dev.ociregistry.servlet.auth.BasicCredentials.unauthorized;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.servlet.RegistryAction;
import dev.ociregistry.servlet.RegistryAuthorizer;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The registry's access control with authentication on: who the request comes from ({@link
 * BasicAuthenticator}), then what the {@link AccessPolicy} lets them do. {@code GET /v2/} needs a
 * logged-in user, so clients know to send credentials; a request without credentials that the
 * policy does not allow answers 401, one with credentials 403 {@code DENIED}. Thread-safe.
 */
public final class PolicyAuthorizer implements RegistryAuthorizer {
  private static final String POLICY_ATTRIBUTE = PolicyAuthorizer.class.getName() + ".policy";

  private final BasicAuthenticator authenticator;
  private final Supplier<AccessPolicy> policy;

  /**
   * Access control by {@code authenticator} and the policy {@code policy} gives.
   *
   * @param authenticator says who a request comes from
   * @param policy asked once per request for the policy in force, e.g. a {@link PolicyFile}
   */
  public PolicyAuthorizer(BasicAuthenticator authenticator, Supplier<AccessPolicy> policy) {
    this.authenticator = authenticator;
    this.policy = policy;
  }

  @Override
  public void authorize(
      HttpServletRequest request, RegistryAction action, Optional<RepositoryName> repository) {
    Principal principal = authenticator.authenticate(request);
    switch (action) {
      case PING -> {
        if (!principal.authenticated()) {
          throw unauthorized("log in to use this registry");
        }
      }
      case CATALOG -> {}
      default -> {
        RepositoryName name = repository.orElseThrow();
        Set<RegistryAction> allowed = policyOf(request).allowed(principal, name);
        if (allowed.contains(action)) {
          return;
        }
        if (!principal.authenticated()) {
          throw unauthorized("log in to " + verb(action) + " repository " + name);
        }
        throw new RegistryException(
            ErrorCode.DENIED,
            principal.name() + " may not " + verb(action) + " repository " + name,
            name.value());
      }
    }
  }

  @Override
  public boolean permits(
      HttpServletRequest request, RegistryAction action, RepositoryName repository) {
    return policyOf(request)
        .allowed(authenticator.authenticate(request), repository)
        .contains(action);
  }

  /**
   * The policy one request is judged by, read once per request: a catalog page asks about every
   * repository it lists, and each would otherwise look at the policy file again.
   */
  private AccessPolicy policyOf(HttpServletRequest request) {
    if (request.getAttribute(POLICY_ATTRIBUTE) instanceof AccessPolicy known) {
      return known;
    }
    AccessPolicy current = policy.get();
    request.setAttribute(POLICY_ATTRIBUTE, current);
    return current;
  }

  @Override
  public Optional<String> challenge() {
    return Optional.of(authenticator.challenge());
  }

  private static String verb(RegistryAction action) {
    return switch (action) {
      case READ -> "read";
      case CREATE -> "push to";
      case UPDATE -> "move tags of";
      case DELETE -> "delete from";
      default -> "use";
    };
  }
}
