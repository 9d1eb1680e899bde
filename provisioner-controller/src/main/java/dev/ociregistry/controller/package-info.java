/**
 * The provisioning controller application: {@link dev.ociregistry.controller.ControllerMain} and
 * the {@link dev.ociregistry.controller.Controller} it starts.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.controller;
