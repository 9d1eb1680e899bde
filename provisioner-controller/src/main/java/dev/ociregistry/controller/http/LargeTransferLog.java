package dev.ociregistry.controller.http;

import dev.ociregistry.core.digest.Digest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One info line per request that moved more than {@link #THRESHOLD} bytes of body either way: the
 * request, its size and throughput. The path names the repository and, for pulls, the digest; for
 * pushes the digest comes from the {@code digest} parameter when the request closes the upload.
 * Nothing else of the query is logged.
 */
public final class LargeTransferLog implements Consumer<FinishedRequests.Finished> {
  /** Transfers larger than this are logged: 64 MiB. */
  public static final long THRESHOLD = 64L << 20;

  private static final Logger LOG = LoggerFactory.getLogger("transfers");
  private static final Pattern DIGEST_PARAMETER = Pattern.compile("(?:^|&)digest=([^&]+)");

  @Override
  public void accept(FinishedRequests.Finished request) {
    long bytes = Math.max(request.bytesReceived(), request.bytesSent());
    if (bytes <= THRESHOLD) {
      return;
    }
    double seconds = Math.max(request.durationNanos(), 1) / 1e9;
    LOG.info(
        "{} {}{} {} {} bytes in {} s ({} MiB/s), status {}{}",
        request.method(),
        request.path(),
        digestParameter(request.query()).map(digest -> " digest " + digest).orElse(""),
        request.bytesReceived() >= request.bytesSent() ? "received" : "sent",
        bytes,
        String.format(Locale.ROOT, "%.1f", seconds),
        String.format(Locale.ROOT, "%.0f", bytes / seconds / (1 << 20)),
        request.status(),
        request.cutShort() ? ", cut short" : "");
  }

  private static Optional<String> digestParameter(String query) {
    if (query == null) {
      return Optional.empty();
    }
    Matcher matcher = DIGEST_PARAMETER.matcher(query);
    if (!matcher.find()) {
      return Optional.empty();
    }
    try {
      String digest = URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8);
      return Digest.isValid(digest) ? Optional.of(digest) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
