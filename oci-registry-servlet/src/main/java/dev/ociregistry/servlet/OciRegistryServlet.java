package dev.ociregistry.servlet;

import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.Reference;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import dev.ociregistry.servlet.internal.AsyncCompletion;
import dev.ociregistry.servlet.internal.ClientIOException;
import dev.ociregistry.servlet.internal.RequestBodies;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OCI Distribution API, mounted at {@code /v2/*} in any Servlet 6 container.
 *
 * <table>
 *   <caption>Routes, keyed to the distribution-spec's endpoint ids</caption>
 *   <tr><th>id</th><th>method</th><th>path</th><th>success</th></tr>
 *   <tr><td>end-1</td><td>GET</td><td>/v2/</td><td>200</td></tr>
 *   <tr><td>end-2</td><td>GET, HEAD</td><td>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</td><td>200, 206</td></tr>
 *   <tr><td>end-3</td><td>GET, HEAD</td><td>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</td><td>200</td></tr>
 *   <tr><td>end-4a</td><td>POST</td><td>/v2/&lt;name&gt;/blobs/uploads/</td><td>202</td></tr>
 *   <tr><td>end-4b</td><td>POST</td><td>/v2/&lt;name&gt;/blobs/uploads/?digest=&lt;digest&gt;</td><td>201</td></tr>
 *   <tr><td>end-5</td><td>PATCH</td><td>/v2/&lt;name&gt;/blobs/uploads/&lt;reference&gt;</td><td>202</td></tr>
 *   <tr><td>end-6</td><td>PUT</td><td>/v2/&lt;name&gt;/blobs/uploads/&lt;reference&gt;?digest=&lt;digest&gt;</td><td>201</td></tr>
 *   <tr><td>end-7</td><td>PUT</td><td>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</td><td>201</td></tr>
 *   <tr><td>end-8a</td><td>GET</td><td>/v2/&lt;name&gt;/tags/list</td><td>200</td></tr>
 *   <tr><td>end-8b</td><td>GET</td><td>/v2/&lt;name&gt;/tags/list?n=&lt;n&gt;&amp;last=&lt;last&gt;</td><td>200</td></tr>
 *   <tr><td>end-9</td><td>DELETE</td><td>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</td><td>202</td></tr>
 *   <tr><td>end-10</td><td>DELETE</td><td>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</td><td>202</td></tr>
 *   <tr><td>end-11</td><td>POST</td><td>/v2/&lt;name&gt;/blobs/uploads/?mount=&lt;digest&gt;&amp;from=&lt;other&gt;</td><td>201</td></tr>
 *   <tr><td>end-12a</td><td>GET</td><td>/v2/&lt;name&gt;/referrers/&lt;digest&gt;</td><td>200</td></tr>
 *   <tr><td>end-12b</td><td>GET</td><td>/v2/&lt;name&gt;/referrers/&lt;digest&gt;?artifactType=&lt;type&gt;</td><td>200</td></tr>
 *   <tr><td>end-13</td><td>GET</td><td>/v2/&lt;name&gt;/blobs/uploads/&lt;reference&gt;</td><td>204</td></tr>
 *   <tr><td>-</td><td>DELETE</td><td>/v2/&lt;name&gt;/blobs/uploads/&lt;reference&gt;</td><td>204</td></tr>
 *   <tr><td>-</td><td>GET</td><td>/v2/_catalog?n=&lt;n&gt;&amp;last=&lt;last&gt;</td><td>200</td></tr>
 * </table>
 *
 * <p>Every response carries {@code Docker-Distribution-API-Version: registry/2.0}. Each request is
 * authorized once per action by the {@link RegistryAuthorizer} before anything is read, and
 * reported to the {@link RegistryListener} when it ends. All failures are mapped to the spec's
 * error body here, in one place; client input never produces a 500.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md">OCI
 *     distribution-spec v1.1</a>
 */
public class OciRegistryServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(OciRegistryServlet.class);

  private final transient OciRegistry registry;
  private final transient RegistryAuthorizer authorizer;
  private final transient RegistryListener listener;
  private final transient BlobEndpoints blobs;
  private final transient UploadEndpoints uploads;
  private final transient ManifestEndpoints manifests;
  private final transient ListingEndpoints listings;

  /**
   * A servlet with no authentication, no listener and default options.
   *
   * @param registry the registry it serves; the host opens and closes it
   */
  public OciRegistryServlet(OciRegistry registry) {
    this(
        registry,
        ServletOptions.defaults(),
        RegistryAuthorizer.allowAll(),
        RegistryListener.none());
  }

  /**
   * A servlet over {@code registry} with the given options, access control and listener.
   *
   * @param registry the registry it serves; the host opens and closes it
   * @param options limits and deadlines of uploads, downloads and manifest bodies
   * @param authorizer consulted once per action of each request
   * @param listener told of each request and of what was pushed and deleted
   */
  public OciRegistryServlet(
      OciRegistry registry,
      ServletOptions options,
      RegistryAuthorizer authorizer,
      RegistryListener listener) {
    this.registry = registry;
    this.authorizer = authorizer;
    this.listener = listener;
    this.blobs = new BlobEndpoints(registry, options.downloadTimeout());
    this.uploads = new UploadEndpoints(registry, options, authorizer, listener);
    this.manifests = new ManifestEndpoints(registry, listener, options);
    this.listings = new ListingEndpoints(registry);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    long started = startedAt(request);
    response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    Optional<Route.Match> match = Route.match(request.getPathInfo());
    try {
      if (request.getRequestURI().indexOf(';') >= 0) {
        // The container drops ";..." path parameters from the path it decodes, which would serve
        // "a;b=c" as repository "a"; no name, tag or digest may hold one.
        throw new RegistryException(
            ErrorCode.NAME_INVALID, "a registry path holds no ';' (path parameters)");
      }
      dispatch(request, response, match.orElseThrow(ENDPOINT_UNKNOWN));
    } catch (RegistryException e) {
      fail(request, response, e);
    } catch (IOException e) {
      failIo(request, response, match.map(Route.Match::route), e);
    } catch (RuntimeException | Error e) {
      // Nothing escapes to the container, whose page would be HTML and could name the failure.
      LOG.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
      failServer(
          response,
          new RegistryException(
              ErrorCode.UNKNOWN, "the registry failed to answer; its log has the cause"));
    } finally {
      report(request, response, match.map(Route.Match::route).orElse(null), started);
    }
  }

  /**
   * Tells the listener the request ended, once: now, or, while its body is still read or its answer
   * still sent without a thread, when that is done.
   */
  private void report(
      HttpServletRequest request, HttpServletResponse response, Route route, long started) {
    if (request.getAttribute(REPORTED) != null) {
      return;
    }
    Runnable report =
        () -> {
          if (request.getAttribute(REPORTED) == null) {
            request.setAttribute(REPORTED, Boolean.TRUE);
            listener.requestCompleted(
                new RequestEvent(
                    request.getMethod(), route, response.getStatus(), System.nanoTime() - started));
          }
        };
    if (!request.isAsyncStarted()) {
      report.run();
      return;
    }
    AsyncCompletion.whenComplete(request.getAsyncContext(), report);
  }

  private static final String STARTED = OciRegistryServlet.class.getName() + ".started";
  private static final String REPORTED = OciRegistryServlet.class.getName() + ".reported";

  /** When the request arrived: now, or when it first did if it comes back after its body. */
  private static long startedAt(HttpServletRequest request) {
    if (request.getAttribute(STARTED) instanceof Long started) {
      return started;
    }
    long now = System.nanoTime();
    request.setAttribute(STARTED, now);
    return now;
  }

  private static final java.util.function.Supplier<RegistryException> ENDPOINT_UNKNOWN =
      () -> new RegistryException(ErrorCode.ENDPOINT_UNKNOWN, "no such endpoint under /v2");

  private void dispatch(HttpServletRequest request, HttpServletResponse response, Route.Match match)
      throws IOException {
    String method = request.getMethod();
    switch (match.route()) {
      case BASE -> {
        requireMethod(method, "GET", "HEAD");
        authorizer.authorize(request, RegistryAction.PING, Optional.empty());
        Responses.json(response, HttpServletResponse.SC_OK, "application/json", Map.of());
      }
      case CATALOG -> {
        requireMethod(method, "GET");
        authorizer.authorize(request, RegistryAction.CATALOG, Optional.empty());
        listings.catalog(
            request,
            response,
            authorizer.readsEverything(request)
                ? repository -> true
                : repository -> authorizer.permits(request, RegistryAction.READ, repository));
      }
      case UPLOADS -> {
        requireMethod(method, "POST");
        RepositoryName name = authorized(request, match, RegistryAction.CREATE);
        uploads.post(request, response, name);
      }
      case UPLOAD -> upload(request, response, match);
      case BLOB -> blob(request, response, match);
      case MANIFEST -> manifest(request, response, match);
      case TAGS -> {
        requireMethod(method, "GET");
        listings.tags(request, response, authorized(request, match, RegistryAction.READ));
      }
      case REFERRERS -> {
        requireMethod(method, "GET");
        RepositoryName name = authorized(request, match, RegistryAction.READ);
        listings.referrers(request, response, name, Digest.parse(match.param()));
      }
    }
  }

  private void upload(HttpServletRequest request, HttpServletResponse response, Route.Match match)
      throws IOException {
    String method = requireMethod(request.getMethod(), "GET", "PATCH", "PUT", "DELETE");
    RepositoryName name = authorized(request, match, RegistryAction.CREATE);
    switch (method) {
      case "GET" -> uploads.status(request, response, name, match.param());
      case "PATCH" -> uploads.patch(request, response, name, match.param());
      case "PUT" -> uploads.put(request, response, name, match.param());
      default -> uploads.cancel(response, name, match.param());
    }
  }

  private void blob(HttpServletRequest request, HttpServletResponse response, Route.Match match)
      throws IOException {
    String method = requireMethod(request.getMethod(), "GET", "HEAD", "DELETE");
    RepositoryName name =
        authorized(
            request, match, method.equals("DELETE") ? RegistryAction.DELETE : RegistryAction.READ);
    Digest digest = Digest.parse(match.param());
    switch (method) {
      case "GET" -> blobs.get(request, response, name, digest);
      case "HEAD" -> blobs.head(response, name, digest);
      default -> blobs.delete(response, name, digest);
    }
  }

  private void manifest(HttpServletRequest request, HttpServletResponse response, Route.Match match)
      throws IOException {
    String method = requireMethod(request.getMethod(), "GET", "HEAD", "PUT", "DELETE");
    RepositoryName name = RepositoryName.parse(match.name());
    Reference reference = reference(match.param(), method.equals("PUT"));
    if (method.equals("PUT")) {
      boolean mayMoveTag = authorizePush(request, name, reference);
      Optional<byte[]> body = manifests.body(request);
      if (body.isPresent()) {
        manifests.put(request, response, name, reference, mayMoveTag, body.get());
      }
      return;
    }
    authorizer.authorize(
        request,
        method.equals("DELETE") ? RegistryAction.DELETE : RegistryAction.READ,
        Optional.of(name));
    switch (method) {
      case "GET" -> manifests.get(response, name, reference);
      case "HEAD" -> manifests.head(response, name, reference);
      default -> manifests.delete(response, name, reference);
    }
  }

  /**
   * Reads a manifest reference. Something that is neither a tag nor a digest names no manifest, so
   * reading or deleting it is 404 (as the conformance suite expects); pushing to it is 400.
   */
  private static Reference reference(String text, boolean push) {
    if (!push && text.indexOf(':') < 0 && !Tag.isValid(text)) {
      throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "no manifest is named " + text, text);
    }
    return Reference.parse(text);
  }

  /**
   * Authorizes a manifest push, and says whether it may move its tag. Pushing under a tag that
   * exists is an update for a caller who may update; for one who may only create it is a create
   * that must leave the tag where it is (re-pushing the same manifest is fine), which the store
   * checks under the tag's lock, so no concurrent push turns a create into a move.
   */
  private boolean authorizePush(
      HttpServletRequest request, RepositoryName name, Reference reference) throws IOException {
    if (reference.tag().isEmpty()) {
      authorizer.authorize(request, RegistryAction.CREATE, Optional.of(name));
      return true;
    }
    boolean tagExists = registry.tags().resolve(name, reference.tag().get()).isPresent();
    boolean mayUpdate = authorizer.permits(request, RegistryAction.UPDATE, name);
    authorizer.authorize(
        request,
        tagExists && mayUpdate ? RegistryAction.UPDATE : RegistryAction.CREATE,
        Optional.of(name));
    return mayUpdate;
  }

  private RepositoryName authorized(
      HttpServletRequest request, Route.Match match, RegistryAction action) {
    RepositoryName name = RepositoryName.parse(match.name());
    authorizer.authorize(request, action, Optional.of(name));
    return name;
  }

  private static String requireMethod(String method, String... allowed) {
    for (String candidate : allowed) {
      if (candidate.equals(method)) {
        return method;
      }
    }
    throw new RegistryException(
        ErrorCode.UNSUPPORTED,
        method + " is not supported here; use " + String.join(", ", allowed),
        String.join(", ", allowed));
  }

  /**
   * A client that went away or ran out of time gets a 400 if it still listens; any other I/O
   * failure is the storage's: a 500 (507 when the disk is full) that says so, and a warning for the
   * operator. The connection closes either way, as the request body may be half read.
   */
  private static void failIo(
      HttpServletRequest request,
      HttpServletResponse response,
      Optional<Route> route,
      IOException e) {
    if (ClientIOException.isClientSide(e)) {
      LOG.debug("{} {}: {}", request.getMethod(), request.getRequestURI(), e.toString());
      failServer(
          response,
          new RegistryException(
              route.equals(Optional.of(Route.MANIFEST))
                  ? ErrorCode.MANIFEST_INVALID
                  : ErrorCode.BLOB_UPLOAD_INVALID,
              e.getMessage()));
      return;
    }
    LOG.warn("{} {}: storage failed", request.getMethod(), request.getRequestURI(), e);
    failServer(
        response,
        StorageFailures.isDiskFull(e)
            ? new RegistryException(
                ErrorCode.STORAGE_FULL, "the registry's storage is full; nothing was stored")
            : new RegistryException(
                ErrorCode.UNKNOWN, "the registry's storage failed; its log has the cause"));
  }

  /** Answers {@code error} on a connection that then closes, unless the answer is under way. */
  private static void failServer(HttpServletResponse response, RegistryException error) {
    if (response.isCommitted()) {
      return;
    }
    response.reset();
    response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    response.setHeader("Connection", "close");
    try {
      Responses.error(response, error);
    } catch (IOException | RuntimeException e) {
      LOG.debug("the error answer could not be sent: {}", e.toString());
    }
  }

  private void fail(HttpServletRequest request, HttpServletResponse response, RegistryException e)
      throws IOException {
    LOG.debug(
        "{} {} -> {} {}",
        request.getMethod(),
        request.getRequestURI(),
        e.code().httpStatus(),
        e.getMessage());
    if (response.isCommitted()) {
      return;
    }
    if (e.code() == ErrorCode.UNAUTHORIZED) {
      authorizer.challenge().ifPresent(value -> response.setHeader("WWW-Authenticate", value));
    }
    if (e instanceof RetryLaterException later) {
      response.setHeader("Retry-After", String.valueOf(later.retryAfterSeconds()));
    } else if (e.code() == ErrorCode.TOOMANYREQUESTS && !response.containsHeader("Retry-After")) {
      response.setHeader("Retry-After", "1");
    }
    if (e.code() == ErrorCode.UNSUPPORTED && e.detail() != null) {
      response.setHeader("Allow", e.detail());
    }
    if ("HEAD".equals(request.getMethod())) {
      response.setStatus(e.code().httpStatus());
      return;
    }
    RequestBodies.answerWithoutBody(request, response, () -> Responses.error(response, e));
  }
}
