package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ociregistry.controller.api.RegistryAddresses.Locality;
import dev.ociregistry.controller.api.RegistryAddresses.Reached;
import dev.ociregistry.testkit.Await;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Which {@code oci_url} hosts name this registry: REGISTRY_PUBLIC_HOSTS, and this machine's names
 * and addresses at the port the request arrived at, by where the server listens; never the Host a
 * request was sent to. The fixed interface list and host name make the verdicts exact; the last
 * tests use the machine's own. The host's name is resolved off the request path.
 */
class RegistryAddressesTest {
  private static final int PORT = 8080;
  private static final Reached BY_IP = new Reached(PORT, Optional.of("127.0.0.1:8080"));
  private static final InetAddress ETH_V4 = address("192.0.2.2");
  private static final InetAddress ETH_V6 = address("[fd00::2]");
  private static final List<InetAddress> INTERFACES =
      List.of(address("127.0.0.1"), address("[::1]"), ETH_V4, ETH_V6);

  @Test
  void anOciUrlWithoutAHostPointsHere() {
    assertThat(wildcard().locate(OciUrl.parse("os-images/ubuntu:22.04"), BY_IP))
        .isEqualTo(Locality.HERE);
  }

  @Test
  void aPublicHostPointsHereIgnoringCaseWithItsPortOnly() {
    RegistryAddresses addresses =
        new RegistryAddresses(
            false,
            List.of(ETH_V4),
            List.of("Controller.Example.com:8080"),
            () -> INTERFACES,
            Optional::empty);

    assertThat(here(addresses, "CONTROLLER.example.com:8080", BY_IP)).isTrue();
    assertThat(here(addresses, "controller.example.com", BY_IP))
        .as("a public host matches with its port only")
        .isFalse();
  }

  @Test
  void theHostARequestWasSentToNeverPointsHereAndTheReasonSaysSo() {
    RegistryAddresses addresses =
        new RegistryAddresses(
            false,
            List.of(address("127.0.0.1")),
            List.of(),
            () -> INTERFACES,
            () -> Optional.of(named("node1", "127.0.0.1")));

    assertThat(
            here(addresses, "Proxy.Example.com", new Reached(80, Optional.of("proxy.example.com"))))
        .isFalse();
    Locality quay =
        addresses.locate(OciUrl.parse("quay.io/x:y"), new Reached(PORT, Optional.of("quay.io")));

    assertThat(quay.here()).isFalse();
    assertThat(quay.reason().orElseThrow())
        .isEqualTo(
            "the oci_url's host quay.io is not an address of this registry, which answers at port"
                + " 8080 of localhost, 127.0.0.1, node1 and at REGISTRY_PUBLIC_HOSTS (none); this"
                + " request was sent to Host quay.io, but the Host a client names does not make an"
                + " oci_url local; if quay.io reaches this registry, add it to"
                + " REGISTRY_PUBLIC_HOSTS");
    assertThat(
            addresses
                .locate(
                    OciUrl.parse("QUAY.io:443/x:y"), new Reached(443, Optional.of("quay.IO:443")))
                .here())
        .as("nor does it on the port the request arrived at")
        .isFalse();
  }

  @Test
  void listeningOnEveryAddressLoopbackNamesInterfaceAddressesAndTheHostNamePointHere() {
    RegistryAddresses addresses = wildcard();

    for (String host :
        List.of(
            "localhost:8080",
            "LOCALHOST:8080",
            "127.0.0.1:8080",
            "127.0.0.2:8080",
            "[::1]:8080",
            "[0:0:0:0:0:0:0:1]:8080",
            "192.0.2.2:8080",
            "[fd00::2]:8080",
            "node1.example.com:8080")) {
      assertThat(here(addresses, host, BY_IP)).as(host).isTrue();
    }
    for (String host :
        List.of("192.0.2.3:8080", "[fd00::3]:8080", "node2.example.com:8080", "0.0.0.0:8080")) {
      assertThat(here(addresses, host, BY_IP)).as(host).isFalse();
    }
  }

  @Test
  void thisMachineOnAnotherPortIsAnotherServerAndTheReasonSaysWhichPortThisIs() {
    Locality locality =
        wildcard().locate(OciUrl.parse("localhost:5000/os-images/ubuntu:22.04"), BY_IP);

    assertThat(locality.here()).isFalse();
    assertThat(locality.reason().orElseThrow())
        .isEqualTo(
            "the oci_url's host localhost:5000 is this machine, but this registry listens on port"
                + " 8080, so it names another server; if a proxy forwards localhost:5000 to this"
                + " registry, add it to REGISTRY_PUBLIC_HOSTS");
  }

  @Test
  void aHostWithoutAPortMeansPort443Or80() {
    RegistryAddresses addresses = wildcard();

    assertThat(here(addresses, "localhost", new Reached(80, Optional.of("10.0.0.1")))).isTrue();
    assertThat(here(addresses, "localhost", new Reached(443, Optional.of("10.0.0.1")))).isTrue();
    Locality locality = addresses.locate(OciUrl.parse("localhost/os-images/ubuntu:22.04"), BY_IP);
    assertThat(locality.here()).isFalse();
    assertThat(locality.reason().orElseThrow())
        .contains("listens on port 8080 (a host without a port means port 443 or 80)");
  }

  @Test
  void listeningOnALoopbackAddressOnlyThatAddressLocalhostAndTheHostNameResolvingToItPointHere() {
    RegistryAddresses addresses =
        new RegistryAddresses(
            false,
            List.of(address("127.0.0.1")),
            List.of(),
            () -> INTERFACES,
            () -> Optional.of(named("node1.example.com", "127.0.0.1")));

    for (String host : List.of("localhost:8080", "127.0.0.1:8080", "node1.example.com:8080")) {
      assertThat(here(addresses, host, BY_IP)).as(host).isTrue();
    }
    for (String host : List.of("[::1]:8080", "127.0.0.2:8080", "192.0.2.2:8080")) {
      assertThat(here(addresses, host, BY_IP)).as(host).isFalse();
    }
  }

  @Test
  void listeningOnAnInterfaceAddressLoopbackNamesAreAnotherServer() {
    RegistryAddresses addresses =
        new RegistryAddresses(
            false,
            List.of(ETH_V4),
            List.of(),
            () -> INTERFACES,
            () -> Optional.of(named("node1.example.com", "127.0.0.1")));
    Reached byInterface = new Reached(PORT, Optional.of("192.0.2.2:8080"));

    assertThat(here(addresses, "192.0.2.2:8080", byInterface)).isTrue();
    for (String host :
        List.of("localhost:8080", "127.0.0.1:8080", "[fd00::2]:8080", "node1.example.com:8080")) {
      assertThat(here(addresses, host, byInterface)).as(host).isFalse();
    }
  }

  @Test
  void aForeignHostsReasonListsWhereThisRegistryAnswers() {
    RegistryAddresses addresses =
        new RegistryAddresses(
            false,
            List.of(address("127.0.0.1")),
            List.of("registry.internal:5000"),
            () -> INTERFACES,
            () -> Optional.of(named("node1", "127.0.0.1")));

    Locality locality =
        addresses.locate(OciUrl.parse("registry.example.com/os-images/ubuntu:22.04"), BY_IP);

    assertThat(locality.here()).isFalse();
    assertThat(locality.reason().orElseThrow())
        .isEqualTo(
            "the oci_url's host registry.example.com is not an address of this registry, which"
                + " answers at port 8080 of localhost, 127.0.0.1, node1 and at"
                + " REGISTRY_PUBLIC_HOSTS (registry.internal:5000); if registry.example.com"
                + " reaches this registry, add it to REGISTRY_PUBLIC_HOSTS");
  }

  @Test
  void listeningOnEveryAddressTheReasonNamesLoopbackInterfacesAndTheHostName() {
    assertThat(wildcard().names())
        .containsExactly(
            "localhost", "127.0.0.1", "[::1]", "192.0.2.2", "[fd00::2]", "node1.example.com");
  }

  @Test
  void addressesAreWrittenInTheirShortForm() {
    assertThat(RegistryAddresses.literal(address("[0:0:0:0:0:0:0:1]"))).isEqualTo("[::1]");
    assertThat(RegistryAddresses.literal(address("[fd00:0:0:1:0:0:0:2]")))
        .isEqualTo("[fd00:0:0:1::2]");
    assertThat(RegistryAddresses.literal(address("[2001:db8:0:1:1:1:1:1]")))
        .isEqualTo("[2001:db8:0:1:1:1:1:1]");
    assertThat(RegistryAddresses.literal(address("[fe80::1]"))).isEqualTo("[fe80::1]");
    assertThat(RegistryAddresses.literal(address("[1::]"))).isEqualTo("[1::]");
    assertThat(RegistryAddresses.literal(address("192.0.2.2"))).isEqualTo("192.0.2.2");
  }

  @Test
  void aMalformedAddressLiteralPointsElsewhereWithoutALookup() {
    assertThat(RegistryAddresses.parseLiteral("[fd00::zz]")).isEmpty();
    assertThat(RegistryAddresses.parseLiteral("256.1.1.1")).isEmpty();
    assertThat(here(wildcard(), "256.1.1.1:8080", BY_IP)).isFalse();
  }

  @Test
  void onThisMachineListeningOnEveryAddressItsInterfacesAndNamePointHere() throws Exception {
    RegistryAddresses addresses = RegistryAddresses.of("0.0.0.0", List.of());

    assertThat(here(addresses, "localhost:8080", BY_IP)).isTrue();
    assertThat(here(addresses, "[::1]:8080", BY_IP)).isTrue();
    for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (network.isUp()) {
        for (InetAddress address : Collections.list(network.getInetAddresses())) {
          String host = RegistryAddresses.literal(address) + ":8080";
          assertThat(here(addresses, host, BY_IP)).as(host).isTrue();
        }
      }
    }
    String name = InetAddress.getLocalHost().getHostName();
    assertThat(here(addresses, name + ":8080", BY_IP)).as(name).isTrue();
    assertThat(here(RegistryAddresses.of("::", List.of()), "localhost:8080", BY_IP)).isTrue();
  }

  @Test
  void onThisMachineListeningOnLoopbackTheInterfaceAddressesAreAnotherServer() throws Exception {
    RegistryAddresses addresses = RegistryAddresses.of("127.0.0.1", List.of());

    assertThat(here(addresses, "localhost:8080", BY_IP)).isTrue();
    assertThat(here(addresses, "127.0.0.1:8080", BY_IP)).isTrue();
    assertThat(here(addresses, "[::1]:8080", BY_IP)).isFalse();
    for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress address : Collections.list(network.getInetAddresses())) {
        if (!address.isLoopbackAddress()) {
          String host = RegistryAddresses.literal(address) + ":8080";
          assertThat(here(addresses, host, BY_IP)).as(host).isFalse();
        }
      }
    }
  }

  @Test
  void aListenHostGivenByNameIsTheAddressesItResolvesTo() throws Exception {
    RegistryAddresses addresses = RegistryAddresses.of("localhost", List.of());

    for (InetAddress address : InetAddress.getAllByName("localhost")) {
      String host = RegistryAddresses.literal(address) + ":8080";
      assertThat(here(addresses, host, BY_IP)).as(host).isTrue();
    }
    assertThat(here(addresses, "localhost:8080", BY_IP)).isTrue();
    assertThat(here(addresses, "127.0.0.2:8080", BY_IP)).isFalse();
  }

  @Test
  void anEmptyListenHostIsEveryAddress() {
    assertThat(here(RegistryAddresses.of("", List.of()), "127.0.0.2:8080", BY_IP)).isTrue();
  }

  @Test
  void theHostsNameIsReadOnItsOwnThreadAndNoCheckWaitsForIt() throws Exception {
    CountDownLatch resolverAnswers = new CountDownLatch(1);
    AtomicReference<String> resolvedBy = new AtomicReference<>();
    Callable<InetAddress> slowResolver =
        () -> {
          resolvedBy.set(Thread.currentThread().getName());
          resolverAnswers.await();
          return named("node1.example.com", "127.0.0.1");
        };
    long started = System.nanoTime();

    RegistryAddresses addresses =
        RegistryAddresses.of("0.0.0.0", List.of(), slowResolver, Duration.ofMillis(100));

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("the construction waits at most its bound")
        .isGreaterThanOrEqualTo(Duration.ofMillis(100))
        .isLessThan(Duration.ofSeconds(5));
    Locality beforeTheName =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2),
            () -> addresses.locate(OciUrl.parse("node1.example.com:8080/os/ubuntu:1"), BY_IP));
    assertThat(beforeTheName.here()).isFalse();
    assertThat(beforeTheName.reason().orElseThrow())
        .startsWith("the oci_url's host node1.example.com:8080 is not an address of this registry");
    assertThat(addresses.names()).doesNotContain("node1.example.com");
    assertThat(here(addresses, "localhost:8080", BY_IP)).isTrue();
    assertThat(resolvedBy.get()).isEqualTo("own-host-name");

    resolverAnswers.countDown();
    Await.until(
        "the host's name counts once it is known",
        Duration.ofSeconds(10),
        () -> here(addresses, "node1.example.com:8080", BY_IP));
  }

  @Test
  void aHostNameThatDoesNotResolveLeavesOnlyTheAddresses() {
    RegistryAddresses addresses =
        RegistryAddresses.of(
            "0.0.0.0",
            List.of(),
            () -> {
              throw new UnknownHostException("no resolver");
            },
            Duration.ofSeconds(5));

    assertThat(addresses.names()).contains("localhost", "127.0.0.1", "[::1]");
    assertThat(here(addresses, "127.0.0.1:8080", BY_IP)).isTrue();
  }

  private static RegistryAddresses wildcard() {
    return new RegistryAddresses(
        true,
        List.of(),
        List.of(),
        () -> INTERFACES,
        () -> Optional.of(named("node1.example.com", "192.0.2.2")));
  }

  private static boolean here(RegistryAddresses addresses, String host, Reached at) {
    return addresses.locate(OciUrl.parse(host + "/os-images/ubuntu:22.04"), at).here();
  }

  private static InetAddress address(String literal) {
    return RegistryAddresses.parseLiteral(literal).orElseThrow();
  }

  private static InetAddress named(String name, String literal) {
    try {
      return InetAddress.getByAddress(name, address(literal).getAddress());
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
