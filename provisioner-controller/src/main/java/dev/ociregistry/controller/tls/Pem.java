package dev.ociregistry.controller.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM blocks ({@code -----BEGIN TYPE-----}, base64, {@code -----END TYPE-----}, RFC 7468) found
 * anywhere in a file; text around them (the "Bag Attributes" openssl writes) is ignored.
 */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  private Pem() {}

  /**
   * One block: its type, whether it has RFC 1421 headers (as an encrypted traditional key has, with
   * {@code Proc-Type: 4,ENCRYPTED}), and its decoded contents.
   */
  record Block(String type, boolean hasHeaders, byte[] der) {}

  /**
   * The blocks in {@code content}.
   *
   * @throws IllegalArgumentException when a block's base64 cannot be decoded
   */
  static List<Block> blocks(byte[] content) {
    Matcher matcher = BLOCK.matcher(new String(content, StandardCharsets.ISO_8859_1));
    List<Block> blocks = new ArrayList<>();
    while (matcher.find()) {
      StringBuilder base64 = new StringBuilder();
      boolean headers = false;
      for (String line : matcher.group(2).split("\\R")) {
        if (line.contains(":")) {
          headers = true;
        } else {
          base64.append(line.strip());
        }
      }
      blocks.add(
          new Block(matcher.group(1), headers, Base64.getDecoder().decode(base64.toString())));
    }
    return blocks;
  }
}
