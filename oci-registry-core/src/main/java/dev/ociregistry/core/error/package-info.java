/**
 * The errors a registry operation reports to its caller: {@link
 * dev.ociregistry.core.error.ErrorCode}, the distribution-spec's codes with their HTTP status, and
 * {@link dev.ociregistry.core.error.RegistryException}, which carries one. A package of its own so
 * that every other package can depend on it without depending on the registry that wires them.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#error-codes">
 *     distribution-spec: error codes</a>
 */
package dev.ociregistry.core.error;
