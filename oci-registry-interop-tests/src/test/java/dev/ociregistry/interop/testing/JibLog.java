package dev.ociregistry.interop.testing;

import com.google.cloud.tools.jib.api.LogEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Collects what Jib logs during a build, to show in assertion messages. */
public final class JibLog implements Consumer<LogEvent> {
  private final List<String> lines = new CopyOnWriteArrayList<>();

  @Override
  public void accept(LogEvent event) {
    lines.add(event.getLevel() + " " + event.getMessage());
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public String toString() {
    return String.join("\n", lines);
  }
}
