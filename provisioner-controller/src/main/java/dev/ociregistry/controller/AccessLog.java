package dev.ociregistry.controller;

import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jetty.server.AsyncRequestLogWriter;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Slf4jRequestLogWriter;

/**
 * The access log: one line per request in the extended NCSA format (client, time, request line,
 * status, bytes, referer, user agent), through the {@code access} logger on standard output, or
 * appended to {@code ACCESS_LOG_PATH}. It holds no credentials: the format has no header but
 * referer and user agent, and the user field stays {@code -}, as no container authentication is in
 * use.
 */
final class AccessLog {
  private AccessLog() {}

  static RequestLog of(Optional<Path> file) {
    RequestLog.Writer writer;
    if (file.isPresent()) {
      AsyncRequestLogWriter toFile = new AsyncRequestLogWriter(file.get().toString());
      toFile.setAppend(true);
      writer = toFile;
    } else {
      Slf4jRequestLogWriter toLog = new Slf4jRequestLogWriter();
      toLog.setLoggerName("access");
      writer = toLog;
    }
    return new CustomRequestLog(writer, CustomRequestLog.EXTENDED_NCSA_FORMAT);
  }
}
