package dev.ociregistry.controller.media;

import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ResourceServlet;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * {@code /media/*}: static files under {@code MEDIA_ROOT}, served by Jetty's {@link
 * ResourceServlet} with single and multiple ranges, ETags, no directory listing, and Jetty's alias
 * checks refusing any path that leaves the root (including through symbolic links).
 */
public final class MediaServlets {
  private MediaServlets() {}

  /** A servlet holder serving {@code mediaRoot}, to be mapped at {@code /media/*}. */
  public static ServletHolder staticFiles(Path mediaRoot) {
    ServletHolder holder = new ServletHolder("media", ResourceServlet.class);
    holder.setInitParameter(
        "baseResource", mediaRoot.toAbsolutePath().normalize().toUri().toString());
    holder.setInitParameter("dirAllowed", "false");
    holder.setInitParameter("acceptRanges", "true");
    holder.setInitParameter("etags", "true");
    holder.setInitParameter("gzip", "false");
    holder.setInitParameter("useFileMappedBuffer", "false");
    return holder;
  }
}
