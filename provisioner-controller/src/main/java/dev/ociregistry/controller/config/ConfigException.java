package dev.ociregistry.controller.config;

/**
 * A configuration value that cannot be used; the message names the variable and what it accepts.
 */
public class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
