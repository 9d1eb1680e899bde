package dev.ociregistry.controller.api;

import dev.ociregistry.controller.config.AddressBlock;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses at which this registry is reachable, so that a recipe's {@code oci_url} that names
 * this registry by one of them is resolved and pinned here rather than taken for another registry.
 *
 * <p>Only configured facts decide, never what a client says: an {@code oci_url} host ({@code
 * host[:port]}) points here when
 *
 * <ul>
 *   <li>it equals one of {@code REGISTRY_PUBLIC_HOSTS}, ignoring case (the names a proxy or a DNS
 *       alias gives this registry);
 *   <li>or its port is the port the request arrived at (the server's own socket; no port: the
 *       server listens on 80 or 443, the ports clients try for a bare host), and its host names
 *       this machine where the server listens: with the listen address a wildcard ({@code 0.0.0.0},
 *       {@code ::}), {@code localhost}, any loopback address ({@code 127.0.0.1}, {@code [::1]}), an
 *       address of any of the host's network interfaces ({@link NetworkInterface}) and the host's
 *       name; with a specific listen address, that address, {@code localhost} when it is a loopback
 *       address, and the host's name when it resolves to it.
 * </ul>
 *
 * <p>The {@code Host} a request was sent to never counts (nor a server name a trusted proxy's
 * {@code X-Forwarded-Host} sets): any API writer chooses it, and a job whose {@code oci_url} host
 * were taken for this registry would pin this registry's content and hand the machine this
 * registry's job credential beside that host. A proxy's public name belongs in {@code
 * REGISTRY_PUBLIC_HOSTS}.
 *
 * <p>Nothing is looked up in DNS while a request waits. The host's own name ({@link
 * InetAddress#getLocalHost}) is read once, on a thread of its own started with this object, which
 * {@link #of} waits for at most {@link #OWN_NAME_WAIT}; a resolver slower than that (an air-gapped
 * host whose DNS does not answer) delays no request: the name counts from when it is known. A name
 * this list does not know (a DNS alias of this host, say) points elsewhere until it is added to
 * {@code REGISTRY_PUBLIC_HOSTS}; {@link #locate} says so in words a user can act on.
 */
public final class RegistryAddresses {
  /** The ports a client tries for a host without a port. */
  static final Set<Integer> DEFAULT_PORTS = Set.of(80, 443);

  /** The longest {@link #of} waits for the host's own name before it goes on without it. */
  static final Duration OWN_NAME_WAIT = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(RegistryAddresses.class);

  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[^\\]]*\\]|[^:\\[\\]]+)(?::(\\d+))?");
  private static final int MAX_LISTED = 12;

  private final boolean wildcard;
  private final List<InetAddress> bound;
  private final List<String> publicHosts;
  private final Supplier<List<InetAddress>> interfaces;
  private final Supplier<Optional<InetAddress>> self;

  /**
   * @param wildcard whether the server listens on every address of the host
   * @param bound the addresses it listens on otherwise
   * @param interfaces the addresses of the host's network interfaces, now
   * @param self the host's name and the address it resolves to, when known
   */
  RegistryAddresses(
      boolean wildcard,
      List<InetAddress> bound,
      List<String> publicHosts,
      Supplier<List<InetAddress>> interfaces,
      Supplier<Optional<InetAddress>> self) {
    this.wildcard = wildcard;
    this.bound = List.copyOf(bound);
    this.publicHosts =
        publicHosts.stream()
            .map(host -> host.trim().toLowerCase(Locale.ROOT))
            .filter(host -> !host.isEmpty())
            .toList();
    this.interfaces = interfaces;
    this.self = self;
  }

  /**
   * The addresses of a server listening on {@code listenHost} (a wildcard, an address or a name, as
   * {@code LISTEN_ADDR} gives it), also known as {@code publicHosts}. The host's interfaces are
   * read at each check, so an address gained later counts; its name is read once, on a thread of
   * its own, waited for here at most {@link #OWN_NAME_WAIT} (call this at start-up, never while a
   * request waits).
   *
   * @param publicHosts {@code host} or {@code host:port} names that mean this registry
   */
  public static RegistryAddresses of(String listenHost, List<String> publicHosts) {
    return of(listenHost, publicHosts, InetAddress::getLocalHost, OWN_NAME_WAIT);
  }

  /**
   * As {@link #of(String, List)}, with the host's name from {@code ownName}, waited for at most
   * {@code wait}.
   */
  static RegistryAddresses of(
      String listenHost, List<String> publicHosts, Callable<InetAddress> ownName, Duration wait) {
    Optional<List<InetAddress>> bound = resolveListenHost(listenHost);
    return new RegistryAddresses(
        bound.isEmpty(),
        bound.orElse(List.of()),
        publicHosts,
        RegistryAddresses::interfaceAddresses,
        OwnName.resolving(ownName, wait));
  }

  /**
   * Where a request reached this server.
   *
   * @param port the local port it arrived at: the port of the server's own socket, which decides
   * @param sentTo the {@code Host} it was sent to, when it named one; it never makes an {@code
   *     oci_url} local and serves only to explain why one that names it is not
   */
  public record Reached(int port, Optional<String> sentTo) {}

  /**
   * Whether an {@code oci_url} points here, and why not when it does not.
   *
   * @param reason empty when it points here; else why it points elsewhere, for the user
   */
  record Locality(boolean here, Optional<String> reason) {
    static final Locality HERE = new Locality(true, Optional.empty());

    static Locality elsewhere(String reason) {
      return new Locality(false, Optional.of(reason));
    }
  }

  /** Whether {@code url} points at this registry, for a request that reached it as {@code at}. */
  Locality locate(OciUrl url, Reached at) {
    if (url.host().isEmpty()) {
      return Locality.HERE;
    }
    String given = url.host().get();
    String host = given.toLowerCase(Locale.ROOT);
    if (publicHosts.contains(host)) {
      return Locality.HERE;
    }
    Matcher parts = HOST_PORT.matcher(host);
    if (!parts.matches()) {
      return Locality.elsewhere(notOurs(given, at));
    }
    String name = parts.group(1);
    String port = parts.group(2);
    boolean portMatches =
        port == null
            ? DEFAULT_PORTS.contains(at.port())
            : port.length() <= 5 && Integer.parseInt(port) == at.port();
    boolean thisMachine = namesThisMachine(name);
    if (thisMachine && portMatches) {
      return Locality.HERE;
    }
    if (thisMachine) {
      return Locality.elsewhere(
          "the oci_url's host "
              + given
              + " is this machine, but this registry listens on port "
              + at.port()
              + (port == null ? " (a host without a port means port 443 or 80)" : "")
              + ", so it names another server; if a proxy forwards "
              + given
              + " to this registry, add it to REGISTRY_PUBLIC_HOSTS");
    }
    return Locality.elsewhere(notOurs(given, at));
  }

  private String notOurs(String given, Reached at) {
    List<String> names = names();
    boolean sentToIt =
        at.sentTo().map(sentTo -> sentTo.trim().equalsIgnoreCase(given)).orElse(false);
    return "the oci_url's host "
        + given
        + " is not an address of this registry, which answers at port "
        + at.port()
        + " of "
        + (names.isEmpty() ? "no name known" : String.join(", ", names))
        + " and at REGISTRY_PUBLIC_HOSTS ("
        + (publicHosts.isEmpty() ? "none" : String.join(", ", publicHosts))
        + ")"
        + (sentToIt
            ? "; this request was sent to Host "
                + given
                + ", but the Host a client names does not make an oci_url local"
            : "")
        + "; if "
        + given
        + " reaches this registry, add it to REGISTRY_PUBLIC_HOSTS";
  }

  /** The names and addresses that name this machine where the server listens, for messages. */
  List<String> names() {
    Set<String> names = new LinkedHashSet<>();
    if (wildcard || bound.stream().anyMatch(InetAddress::isLoopbackAddress)) {
      names.add("localhost");
    }
    if (wildcard) {
      names.add("127.0.0.1");
      names.add("[::1]");
      for (InetAddress address : interfaces.get()) {
        names.add(literal(address));
      }
    } else {
      bound.forEach(address -> names.add(literal(address)));
    }
    ownName().ifPresent(names::add);
    List<String> listed = new ArrayList<>(names);
    if (listed.size() > MAX_LISTED) {
      int more = listed.size() - MAX_LISTED;
      listed = new ArrayList<>(listed.subList(0, MAX_LISTED));
      listed.add(more + " more");
    }
    return listed;
  }

  private boolean namesThisMachine(String name) {
    Optional<InetAddress> literal = parseLiteral(name);
    if (literal.isPresent()) {
      InetAddress address = literal.get();
      if (address.isAnyLocalAddress()) {
        return false;
      }
      if (wildcard) {
        return address.isLoopbackAddress() || interfaces.get().contains(address);
      }
      return bound.contains(address);
    }
    if (name.startsWith("[")) {
      return false;
    }
    if (name.equals("localhost")) {
      return wildcard || bound.stream().anyMatch(InetAddress::isLoopbackAddress);
    }
    return ownName().map(name::equals).orElse(false);
  }

  /** The host's name, when it names this machine where the server listens. */
  private Optional<String> ownName() {
    Optional<InetAddress> me = self.get();
    if (me.isEmpty()) {
      return Optional.empty();
    }
    if (!wildcard && !bound.contains(me.get())) {
      return Optional.empty();
    }
    return Optional.of(me.get().getHostName().toLowerCase(Locale.ROOT));
  }

  /**
   * An IP address written as a literal: dotted IPv4, or IPv6 in brackets. Never a DNS lookup
   * ({@link AddressBlock#address}).
   */
  static Optional<InetAddress> parseLiteral(String host) {
    if (host.startsWith("[") && host.endsWith("]")) {
      String inner = host.substring(1, host.length() - 1);
      return inner.indexOf(':') >= 0 ? AddressBlock.address(inner) : Optional.empty();
    }
    return host.indexOf(':') >= 0 ? Optional.empty() : AddressBlock.address(host);
  }

  /**
   * An address as an {@code oci_url} writes it: IPv4 dotted, IPv6 in brackets, without a scope, in
   * the short form (RFC 5952: lowercase, the longest run of two or more zero groups as {@code ::}).
   */
  static String literal(InetAddress address) {
    String literal = AddressBlock.literal(address);
    return address.getAddress().length == 4 ? literal : "[" + literal + "]";
  }

  /**
   * The addresses {@code listenHost} binds: empty for a wildcard; an address literal as itself; a
   * name as it resolves now (the server binds the same at start), or no address when it does not
   * resolve (the server cannot bind it either, and says so).
   */
  private static Optional<List<InetAddress>> resolveListenHost(String listenHost) {
    String host = listenHost.trim();
    if (host.isEmpty()) {
      return Optional.empty();
    }
    String bracketed = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    Optional<InetAddress> literal = parseLiteral(bracketed);
    if (literal.isPresent()) {
      return literal.get().isAnyLocalAddress()
          ? Optional.empty()
          : Optional.of(List.of(literal.get()));
    }
    try {
      return Optional.of(List.of(InetAddress.getAllByName(host)));
    } catch (UnknownHostException e) {
      return Optional.of(List.of());
    }
  }

  private static List<InetAddress> interfaceAddresses() {
    List<InetAddress> addresses = new ArrayList<>();
    try {
      for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (network.isUp()) {
          addresses.addAll(Collections.list(network.getInetAddresses()));
        }
      }
    } catch (SocketException e) {
      // No interface list: loopback names still count.
    }
    return addresses;
  }

  /**
   * The host's own name and address, resolved once on a thread of its own; a request reads what is
   * known and never waits for it.
   */
  static final class OwnName implements Supplier<Optional<InetAddress>> {
    private final CompletableFuture<Optional<InetAddress>> known = new CompletableFuture<>();

    private OwnName() {}

    /** Starts {@code resolver} on a daemon thread and waits for its answer at most {@code wait}. */
    static OwnName resolving(Callable<InetAddress> resolver, Duration wait) {
      OwnName name = new OwnName();
      Thread thread =
          new Thread(() -> name.known.complete(resolve(resolver, wait)), "own-host-name");
      thread.setDaemon(true);
      thread.start();
      try {
        name.known.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        LOG.warn(
            "the host's name is not resolved after {} ms (InetAddress.getLocalHost); until it is,"
                + " an oci_url naming this host by its name points elsewhere",
            wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // resolve() answers every failure with empty; nothing completes exceptionally.
      }
      return name;
    }

    private static Optional<InetAddress> resolve(Callable<InetAddress> resolver, Duration wait) {
      long started = System.nanoTime();
      Optional<InetAddress> address;
      try {
        address = Optional.ofNullable(resolver.call());
      } catch (Exception e) {
        LOG.debug("the host's name does not resolve: {}", e.toString());
        address = Optional.empty();
      }
      if (System.nanoTime() - started > wait.toNanos()) {
        LOG.info(
            "the host's name is {} now",
            address.map(InetAddress::getHostName).orElse("unknown (it does not resolve)"));
      }
      return address;
    }

    @Override
    public Optional<InetAddress> get() {
      return known.getNow(Optional.empty());
    }
  }
}
