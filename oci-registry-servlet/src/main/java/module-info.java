/**
 * The OCI Distribution API as a Jakarta Servlet for any Servlet 6 container. Exported: the servlet,
 * its options and seams ({@code dev.ociregistry.servlet}: authorizer, listener, request events,
 * routes) and the authentication and access-control building blocks ({@code
 * dev.ociregistry.servlet.auth}). {@code dev.ociregistry.servlet.internal} holds the request
 * plumbing (body read-ahead, deadlines, admission, ranges) and changes without notice.
 *
 * <p>jBCrypt ships no module name, so it is required by the name its jar file gives it ({@code
 * jbcrypt}); keep that jar's file name when you put it on a module path.
 */
module dev.ociregistry.servlet {
  requires transitive dev.ociregistry.core;
  requires transitive jakarta.servlet;
  requires com.fasterxml.jackson.databind;
  requires org.apache.commons.codec;
  requires org.slf4j;
  requires jbcrypt;

  exports dev.ociregistry.servlet;
  exports dev.ociregistry.servlet.auth;
}
