package dev.ociregistry.controller.api;

import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A recipe's {@code oci_url}: {@code [host[:port]/]repository(:tag|@digest)}, as {@code oras} and
 * {@code podman} write it, without a scheme.
 *
 * <p>The first path component is a host when it contains {@code .} or {@code :} or is {@code
 * localhost} (Docker's rule), so {@code os-images/ubuntu:22.04} names a repository of this registry
 * and {@code docker.io/library/alpine:3} one elsewhere. The repository must follow the
 * distribution-spec name grammar and the tag the tag grammar; a digest must follow the image-spec
 * digest grammar (whether this registry supports its algorithm is checked only when the URL points
 * here). Whether the host names this registry is {@link RegistryAddresses}'s question.
 *
 * @param host the {@code host[:port]} as written, when the URL has one
 * @param reference the tag or the digest, as written
 * @param text the URL as written
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-manifests">
 *     distribution-spec: names, tags and references</a>
 */
record OciUrl(Optional<String> host, String repository, String reference, String text) {
  static final String FIELD = "oci_url";
  static final int MAX_LENGTH = 2048;

  private static final String LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
  private static final Pattern HOST =
      Pattern.compile(
          "(?:" + LABEL + "(?:\\." + LABEL + ")*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");
  private static final Pattern DIGEST =
      Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");

  /**
   * Parses an {@code oci_url}.
   *
   * @throws ApiException 400 naming {@code oci_url} when it breaks the grammar
   */
  static OciUrl parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw invalid("oci_url is longer than " + MAX_LENGTH + " characters");
    }
    if (text.contains("://")) {
      throw invalid("oci_url takes no scheme: write [host[:port]/]repository:tag, not " + text);
    }
    Optional<String> host = Optional.empty();
    String rest = text;
    int slash = text.indexOf('/');
    if (slash > 0) {
      String first = text.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        if (!HOST.matcher(first).matches()) {
          throw invalid("oci_url has an invalid host: " + first);
        }
        host = Optional.of(first);
        rest = text.substring(slash + 1);
      }
    }
    String repository;
    String reference;
    int at = rest.indexOf('@');
    if (at >= 0) {
      repository = rest.substring(0, at);
      reference = rest.substring(at + 1);
      if (repository.lastIndexOf(':') > repository.lastIndexOf('/')) {
        throw invalid(
            "oci_url names a tag and a digest; give one: repository:tag or repository@digest");
      }
      if (!DIGEST.matcher(reference).matches()) {
        throw invalid("oci_url has an invalid digest: " + reference);
      }
    } else {
      int colon = rest.lastIndexOf(':');
      if (colon <= rest.lastIndexOf('/')) {
        throw invalid("oci_url needs a tag or a digest: repository:tag or repository@digest");
      }
      repository = rest.substring(0, colon);
      reference = rest.substring(colon + 1);
      if (!Tag.isValid(reference)) {
        throw invalid("oci_url has an invalid tag: " + reference);
      }
    }
    if (!RepositoryName.isValid(repository)) {
      throw invalid(
          "oci_url has an invalid repository name: "
              + repository
              + " (lowercase letters, digits and separators, components split by /)");
    }
    return new OciUrl(host, repository, reference, text);
  }

  /** Whether the reference is a digest rather than a tag. */
  boolean byDigest() {
    return reference.indexOf(':') >= 0;
  }

  @Override
  public String toString() {
    return text;
  }

  private static ApiException invalid(String message) {
    return ApiException.badRequest(FIELD, message);
  }
}
