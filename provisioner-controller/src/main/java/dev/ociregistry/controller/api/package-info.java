/**
 * The provisioning API of the controller: recipes, jobs that pin their artifact in the embedded
 * registry, the {@code task.json} a maintenance OS fetches, and the artifacts listing. {@link
 * dev.ociregistry.controller.api.ProvisioningApi} is the entry point; everything else is internal.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless its Javadoc says so; absent
 * values are {@link java.util.Optional}.
 */
package dev.ociregistry.controller.api;
