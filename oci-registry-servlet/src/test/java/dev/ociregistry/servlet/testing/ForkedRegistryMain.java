package dev.ociregistry.servlet.testing;

import java.nio.file.Path;

/**
 * Runs a registry server in its own JVM, so tests can give it a small heap. Prints {@code
 * PORT=<port>} and {@code MAX_HEAP=<bytes>} once it is up, then serves until stdin closes.
 */
public final class ForkedRegistryMain {
  private ForkedRegistryMain() {}

  public static void main(String[] args) throws Exception {
    try (RegistryServer server = RegistryServer.start(Path.of(args[0]))) {
      System.out.println("PORT=" + server.base().getPort());
      System.out.println("MAX_HEAP=" + Runtime.getRuntime().maxMemory());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the parent closes our stdin
      }
    }
  }
}
