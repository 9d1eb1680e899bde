package dev.ociregistry.controller.config;

/**
 * A password or key from the configuration: it shows as {@code ****} wherever it is printed, so a
 * logged configuration never holds it.
 */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = value;
  }

  /** The secret itself, for the one place that checks it. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "****";
  }
}
