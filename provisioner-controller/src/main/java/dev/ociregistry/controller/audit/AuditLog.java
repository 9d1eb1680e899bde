package dev.ociregistry.controller.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends audit events to a file, one JSON object a line: {@code time}, {@code action}, and what
 * the event knows of {@code client}, {@code user}, {@code repository}, {@code digest}, {@code tag},
 * {@code status} and details. It never holds a password, a token or an {@code Authorization}
 * header: callers pass names and digests only. A failed write is logged once and the request goes
 * on.
 */
public interface AuditLog {
  /** Records one event; {@code fields} holds what is known, in the order given. */
  void record(String action, Map<String, ?> fields);

  /** An audit log that records nothing (the audit log is off). */
  static AuditLog off() {
    return (action, fields) -> {};
  }

  /** An audit log appending to {@code file}, created with its directory when missing. */
  static AuditLog toFile(Path file) throws IOException {
    return new FileAuditLog(file, Clock.systemUTC());
  }

  /** The file behind {@link #toFile}. */
  final class FileAuditLog implements AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Clock clock;
    private final OutputStream out;
    private boolean failed;

    FileAuditLog(Path file, Clock clock) throws IOException {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      this.file = file;
      this.clock = clock;
      this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void record(String action, Map<String, ?> fields) {
      ObjectNode line = JSON.createObjectNode();
      line.put("time", clock.instant().toString());
      line.put("action", action);
      fields.forEach((name, value) -> line.set(name, JSON.valueToTree(value)));
      try {
        byte[] bytes = JSON.writeValueAsBytes(line);
        synchronized (this) {
          out.write(bytes);
          out.write('\n');
          out.flush();
          failed = false;
        }
      } catch (IOException e) {
        synchronized (this) {
          if (!failed) {
            LOG.warn("audit log {} cannot be written: {}", file, e.toString());
            failed = true;
          }
        }
      }
    }
  }
}
