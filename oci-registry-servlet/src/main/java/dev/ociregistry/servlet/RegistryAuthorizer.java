package dev.ociregistry.servlet;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.RepositoryName;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The access-control seam: consulted once per action a request performs, before anything is read or
 * written. Authentication modes and per-namespace policies implement it. Called from many request
 * threads at once, so implementations must be thread-safe.
 */
public interface RegistryAuthorizer {
  /**
   * Allows the action or refuses it by throwing.
   *
   * @param request the request, for its credentials; its body must not be read
   * @param action what the request wants to do
   * @param repository the repository acted on; empty for registry-wide actions ({@code /v2/},
   *     {@code _catalog})
   * @throws RegistryException {@link ErrorCode#UNAUTHORIZED} when credentials are missing or wrong,
   *     {@link ErrorCode#DENIED} when the caller may not do this, {@link ErrorCode#TOOMANYREQUESTS}
   *     when the caller failed to log in too often
   */
  void authorize(
      HttpServletRequest request, RegistryAction action, Optional<RepositoryName> repository);

  /**
   * Whether the caller may do {@code action} on {@code repository}, without refusing the request:
   * for filtering what a listing shows and choosing where a mount may come from. The default asks
   * {@link #authorize} and takes a refusal as false.
   *
   * @param request the request, for its credentials
   * @param action what the caller would do
   * @param repository the repository it would act on
   * @return whether {@link #authorize} would allow it
   */
  default boolean permits(
      HttpServletRequest request, RegistryAction action, RepositoryName repository) {
    try {
      authorize(request, action, Optional.of(repository));
      return true;
    } catch (RegistryException e) {
      return false;
    }
  }

  /**
   * {@return whether the caller may read every repository}, so that nothing needs filtering; the
   * default says false, which is always safe
   *
   * @param request the request, for its credentials
   */
  default boolean readsEverything(HttpServletRequest request) {
    return false;
  }

  /**
   * {@return the {@code WWW-Authenticate} challenge sent with a 401}, such as {@code Basic
   * realm="registry"}; empty (the default) sends none
   */
  default Optional<String> challenge() {
    return Optional.empty();
  }

  /** {@return an authorizer that allows everything}: a registry without authentication */
  static RegistryAuthorizer allowAll() {
    return new RegistryAuthorizer() {
      @Override
      public void authorize(
          HttpServletRequest request, RegistryAction action, Optional<RepositoryName> repository) {}

      @Override
      public boolean readsEverything(HttpServletRequest request) {
        return true;
      }
    };
  }
}
