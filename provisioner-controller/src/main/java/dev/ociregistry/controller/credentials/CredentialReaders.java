package dev.ociregistry.controller.credentials;

import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;

/**
 * Who may be handed a job's pull credential in its {@code task.json}: the machine holding that
 * credential already, and those who may manage jobs; a user who may merely read the API must not
 * get a credential for content the policy keeps from them.
 */
@FunctionalInterface
public interface CredentialReaders {
  /** Whether the caller of {@code request} may see job {@code job}'s credential. */
  boolean mayRead(HttpServletRequest request, UUID job);
}
