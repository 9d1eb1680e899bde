package dev.ociregistry.controller.tls;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What is logged while it is open: an appender on the root logger keeps every event, as {@code
 * LEVEL logger - message} lines.
 */
final class LogCapture implements AutoCloseable {
  private final Logger root =
      ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  private LogCapture() {
    events.setContext(root.getLoggerContext());
    events.start();
    root.addAppender(events);
  }

  static LogCapture start() {
    return new LogCapture();
  }

  /** The lines logged so far that contain {@code text}. */
  List<String> lines(String text) {
    return all().stream().filter(line -> line.contains(text)).toList();
  }

  /** Everything logged so far. */
  String text() {
    return String.join("\n", all());
  }

  private List<String> all() {
    synchronized (events) {
      return events.list.stream()
          .map(
              event ->
                  event.getLevel()
                      + " "
                      + event.getLoggerName()
                      + " - "
                      + event.getFormattedMessage())
          .toList();
    }
  }

  @Override
  public void close() {
    root.detachAppender(events);
    events.stop();
  }
}
