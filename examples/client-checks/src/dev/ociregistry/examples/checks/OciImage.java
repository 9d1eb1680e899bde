package dev.ociregistry.examples.checks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * A small container image (one gzipped tar layer holding one file, its config, its manifest),
 * written as an OCI Image Layout directory that {@code skopeo copy oci:<dir>:<tag>} reads.
 */
record OciImage(byte[] layer, byte[] config, byte[] manifest) {
  static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** An image whose one layer holds {@code hello.txt} with {@code text}. */
  static OciImage of(String text) throws IOException {
    byte[] tar = tar("hello.txt", text.getBytes(StandardCharsets.UTF_8));
    byte[] layer = gzip(tar);
    byte[] config =
        utf8(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"example\":\""
                + text
                + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + sha256(tar)
                + "\"]}}");
    byte[] manifest =
        utf8(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + MANIFEST_TYPE
                + "\",\"config\":"
                + descriptor(CONFIG_TYPE, config)
                + ",\"layers\":["
                + descriptor(LAYER_TYPE, layer)
                + "]}");
    return new OciImage(layer, config, manifest);
  }

  /** Writes the image into {@code dir} as an OCI Image Layout, tagged {@code tag}. */
  Path writeLayout(Path dir, String tag) throws IOException {
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    for (byte[] blob : new byte[][] {layer, config, manifest}) {
      Files.write(blobs.resolve(sha256(blob).substring("sha256:".length())), blob);
    }
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    String descriptor = descriptor(MANIFEST_TYPE, manifest);
    Files.writeString(
        dir.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":["
            + descriptor.substring(0, descriptor.length() - 1)
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
            + tag
            + "\"}}]}");
    return dir;
  }

  static String sha256(byte[] content) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String descriptor(String mediaType, byte[] content) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + sha256(content)
        + "\",\"size\":"
        + content.length
        + "}";
  }

  /** A POSIX (ustar) archive of one regular file. */
  private static byte[] tar(String name, byte[] content) {
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", content.length));
    put(header, 136, String.format("%011o", 0));
    Arrays.fill(header, 148, 156, (byte) ' ');
    header[156] = '0';
    put(header, 257, "ustar");
    put(header, 263, "00");
    int checksum = 0;
    for (byte b : header) {
      checksum += b & 0xff;
    }
    put(header, 148, String.format("%06o", checksum));
    header[154] = 0;
    int padded = (content.length + 511) / 512 * 512;
    byte[] tar = new byte[512 + padded + 1024];
    System.arraycopy(header, 0, tar, 0, 512);
    System.arraycopy(content, 0, tar, 512, content.length);
    return tar;
  }

  private static void put(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(content);
    }
    return out.toByteArray();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
