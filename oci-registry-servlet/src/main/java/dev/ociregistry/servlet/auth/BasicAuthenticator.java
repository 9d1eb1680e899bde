package dev.ociregistry.servlet.auth;

import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.servlet.RetryLaterException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP Basic authentication against a {@link UserStore}.
 *
 * <p>A successful check is remembered for a short while under a keyed hash of the credentials (a
 * key made at random for this process, so the cache holds nothing a reader could reverse), so a
 * pull of fifty layers pays for one bcrypt check, not fifty; a change of the users drops it.
 * Failures are throttled per client address and per user name; a throttled attempt is refused
 * before its password is checked. Thread-safe: one instance serves every request.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7617">RFC 7617: the Basic scheme</a>
 */
public final class BasicAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(BasicAuthenticator.class);
  private static final Duration CACHE_TIME = Duration.ofMinutes(1);
  private static final int MAX_CACHED = 10_000;
  private static final int FAILURES_ALLOWED = 10;
  private static final Duration FAILURE_REFILL = Duration.ofSeconds(6);

  /**
   * A user name takes more failures than an address before it is throttled, and regains one each
   * second: one address, itself held to one failure every six seconds, cannot keep a name locked.
   */
  private static final int NAME_FAILURES_ALLOWED = 50;

  private static final Duration NAME_FAILURE_REFILL = Duration.ofSeconds(1);

  /** The request attribute that holds the {@link Principal} once a request was authenticated. */
  public static final String PRINCIPAL_ATTRIBUTE =
      BasicAuthenticator.class.getName() + ".principal";

  private final UserStore users;
  private final String realm;
  private final FailureThrottle addresses;
  private final FailureThrottle names;
  private final SecretKeySpec cacheKey;
  private final AuthenticationEvents events;
  private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

  private record Verified(String user, long generation, long expiresNanos) {}

  /**
   * Authentication against {@code users}, telling no one about refusals.
   *
   * @param users where credentials are checked
   * @param realm the realm the challenge names; no {@code "} or {@code \}
   * @throws IllegalArgumentException when the realm holds a quote or a backslash
   */
  public BasicAuthenticator(UserStore users, String realm) {
    this(users, realm, AuthenticationEvents.none());
  }

  /**
   * As above, telling {@code events} about every refusal.
   *
   * @param users where credentials are checked
   * @param realm the realm the challenge names; no {@code "} or {@code \}
   * @param events told of every failed or throttled attempt
   * @throws IllegalArgumentException when the realm holds a quote or a backslash
   */
  public BasicAuthenticator(UserStore users, String realm, AuthenticationEvents events) {
    this(
        users,
        realm,
        new FailureThrottle(FAILURES_ALLOWED, FAILURE_REFILL),
        new FailureThrottle(NAME_FAILURES_ALLOWED, NAME_FAILURE_REFILL),
        events);
  }

  /**
   * @param addresses throttles failures per client address
   * @param names throttles failures per user name
   */
  private BasicAuthenticator(
      UserStore users,
      String realm,
      FailureThrottle addresses,
      FailureThrottle names,
      AuthenticationEvents events) {
    if (realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("a realm holds no quote or backslash");
    }
    this.users = users;
    this.realm = realm;
    this.addresses = addresses;
    this.names = names;
    this.events = events;
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
  }

  /** {@return the {@code WWW-Authenticate} value a 401 carries: {@code Basic realm="<realm>"}} */
  public String challenge() {
    return "Basic realm=\"" + realm + "\"";
  }

  /**
   * Who the request comes from: {@link Principal#ANONYMOUS} when it carries no {@code
   * Authorization} header, the user when the credentials are right. The result is kept on the
   * request, so each request is checked once.
   *
   * @param request the request, with its {@code Authorization} header
   * @return who the request comes from
   * @throws RegistryException {@code UNAUTHORIZED} when the credentials are malformed or wrong;
   *     {@code TOOMANYREQUESTS} (a {@link RetryLaterException}) when the client or user is
   *     throttled
   */
  public Principal authenticate(HttpServletRequest request) {
    if (request.getAttribute(PRINCIPAL_ATTRIBUTE) instanceof Principal known) {
      return known;
    }
    Principal principal = check(request);
    request.setAttribute(PRINCIPAL_ATTRIBUTE, principal);
    return principal;
  }

  private Principal check(HttpServletRequest request) {
    Optional<BasicCredentials> credentials;
    try {
      credentials = BasicCredentials.of(request);
    } catch (RegistryException e) {
      LOG.debug("auth: malformed credentials from {}: {}", request.getRemoteAddr(), e.getMessage());
      events.failed();
      throw e;
    }
    if (credentials.isEmpty()) {
      return Principal.ANONYMOUS;
    }
    String user = credentials.get().user();
    String password = credentials.get().password();
    if (user.isEmpty() && password.isEmpty()) {
      // What skopeo and podman send when they have no credentials for this registry.
      return Principal.ANONYMOUS;
    }
    String key = cacheKey(user, password);
    long now = System.nanoTime();
    Verified cached = verified.get(key);
    if (cached != null
        && cached.generation() == users.generation()
        && cached.expiresNanos() - now > 0) {
      // Sliding: a client in steady use stays remembered, and so passes a throttled name.
      verified.put(
          key, new Verified(cached.user(), cached.generation(), now + CACHE_TIME.toNanos()));
      return new Principal(cached.user());
    }
    // Credentials proven a moment ago pass above; all others wait while their client or name is
    // throttled, and are not even checked.
    String address = "address " + addressGroup(request.getRemoteAddr());
    String name = "user " + user;
    Optional<Duration> wait = longest(addresses.waitFor(address), names.waitFor(name));
    if (wait.isPresent()) {
      LOG.debug("auth: {} from {} throttled", user, request.getRemoteAddr());
      events.throttled();
      throw new RetryLaterException(
          "too many failed logins from this client or for this user; retry later", wait.get());
    }
    long generation = users.generation();
    if (!users.verify(user, password)) {
      verified.remove(key);
      addresses.recordFailure(address);
      names.recordFailure(name);
      LOG.debug(
          "auth: {} from {} refused: wrong user name or password", user, request.getRemoteAddr());
      events.failed();
      throw BasicCredentials.unauthorized("the user name or password is wrong");
    }
    if (verified.size() >= MAX_CACHED) {
      verified.clear();
    }
    verified.put(key, new Verified(user, generation, now + CACHE_TIME.toNanos()));
    LOG.debug("auth: {} from {} accepted", user, request.getRemoteAddr());
    return new Principal(user);
  }

  private String cacheKey(String user, String password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(cacheKey);
      mac.update(user.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return HexFormat.of().formatHex(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  /**
   * The address a client is throttled by: an IPv4 address itself, an IPv6 address by its /64, as a
   * single host usually holds a whole /64 and could otherwise change address at will.
   */
  static String addressGroup(String address) {
    if (address.indexOf(':') < 0) {
      return address;
    }
    try {
      byte[] bytes = java.net.InetAddress.getByName(address).getAddress();
      if (bytes.length != 16) {
        return address;
      }
      return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
    } catch (java.net.UnknownHostException e) {
      return address;
    }
  }

  private static Optional<Duration> longest(Optional<Duration> a, Optional<Duration> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return Optional.of(a.get().compareTo(b.get()) >= 0 ? a.get() : b.get());
  }
}
