package dev.ociregistry.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.servlet.auth.AuthenticationEvents;
import dev.ociregistry.servlet.auth.BasicAuthenticator;
import dev.ociregistry.servlet.auth.HtpasswdFile;
import dev.ociregistry.servlet.auth.PolicyAuthorizer;
import dev.ociregistry.servlet.auth.PolicyFile;
import dev.ociregistry.servlet.testing.RegistryServer;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Blob;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.Htpasswd;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import dev.ociregistry.testkit.TestSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry with authentication on, users from a file Debian's {@code htpasswd -B} wrote, and
 * the shipped policy for the four namespaces of a provisioning platform ({@code
 * provisioning-extensions}, {@code -kcl}, {@code -platform}, {@code -test}), through a real server.
 */
class AccessControlTest {
  private static final Path EXAMPLE_POLICY = Path.of("../docs/examples/access-policy.json");

  @TempDir Path root;
  @TempDir Path config;

  private final String alicePassword = TestSecrets.password("alice");
  private final String adminPassword = TestSecrets.password("admin");
  private Path htpasswd;
  private Path policy;
  private RegistryServer server;
  private TestHttp anonymous;
  private TestHttp alice;
  private TestHttp admin;
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger throttles = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    htpasswd = config.resolve("htpasswd");
    Htpasswd.set(htpasswd, "alice", alicePassword);
    Htpasswd.set(htpasswd, "admin", adminPassword);
    policy = Files.copy(EXAMPLE_POLICY, config.resolve("policy.json"));
    BasicAuthenticator authenticator =
        new BasicAuthenticator(
            HtpasswdFile.load(htpasswd, false),
            "oci-registry",
            new AuthenticationEvents() {
              @Override
              public void failed() {
                failures.incrementAndGet();
              }

              @Override
              public void throttled() {
                throttles.incrementAndGet();
              }
            });
    server =
        RegistryServer.start(
            root.resolve("registry"), new PolicyAuthorizer(authenticator, PolicyFile.load(policy)));
    anonymous = server.http();
    alice = anonymous.withBasicAuth("alice", alicePassword);
    admin = anonymous.withBasicAuth("admin", adminPassword);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void pingWithoutCredentialsAsksTheClientToLogIn() throws Exception {
    Response refused = anonymous.get("/v2/");

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.header("WWW-Authenticate")).contains("Basic realm=\"oci-registry\"");
    assertThat(refused.errorCode()).isEqualTo("UNAUTHORIZED");
    assertThat(alice.get("/v2/").status()).isEqualTo(200);
    assertThat(anonymous.withBasicAuth("alice", "wrong").get("/v2/").status()).isEqualTo(401);
    assertThat(anonymous.withBasicAuth("nobody", alicePassword).get("/v2/").status())
        .isEqualTo(401);
  }

  @Test
  void anonymousReadsThePublicNamespaceAndNothingElse() throws Exception {
    Manifest smoke = pushImage(admin, "provisioning-test/smoke", "1");
    Manifest aws = pushImage(admin, "provisioning-extensions/aws", "1");

    assertThat(anonymous.get("/v2/provisioning-test/smoke/manifests/1").status()).isEqualTo(200);
    assertThat(anonymous.get(blobPath("provisioning-test/smoke", smoke.blobs().get(1))).status())
        .isEqualTo(200);
    Response refused = anonymous.get("/v2/provisioning-extensions/aws/manifests/1");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.header("WWW-Authenticate")).isPresent();
    assertThat(anonymous.get(blobPath("provisioning-extensions/aws", aws.blobs().get(1))).status())
        .isEqualTo(401);
    assertThat(
            anonymous.post("/v2/provisioning-test/smoke/blobs/uploads/", new byte[0]).errorCode())
        .isEqualTo("UNAUTHORIZED");
  }

  @Test
  void pushesFollowEachNamespacesPolicy() throws Exception {
    pushImage(alice, "provisioning-extensions/aws", "1");
    pushImage(alice, "provisioning-kcl/schemas", "1");
    pushImage(alice, "provisioning-test/smoke", "1");

    Response denied =
        alice.post("/v2/provisioning-platform/orchestrator/blobs/uploads/", new byte[0]);
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.errorCode()).isEqualTo("DENIED");
    assertThat(denied.text()).contains("alice may not push to repository provisioning-platform");
    pushImage(admin, "provisioning-platform/orchestrator", "1");
    assertThat(alice.get("/v2/provisioning-platform/orchestrator/manifests/1").status())
        .isEqualTo(200);
    assertThat(alice.post("/v2/elsewhere/image/blobs/uploads/", new byte[0]).status())
        .isEqualTo(403);
  }

  @Test
  void deletesNeedTheDeleteAction() throws Exception {
    Manifest kcl = pushImage(alice, "provisioning-kcl/schemas", "1");
    Manifest aws = pushImage(alice, "provisioning-extensions/aws", "1");

    assertThat(alice.delete("/v2/provisioning-kcl/schemas/manifests/" + kcl.digest()).errorCode())
        .isEqualTo("DENIED");
    assertThat(alice.delete("/v2/provisioning-kcl/schemas/manifests/1").status()).isEqualTo(403);
    assertThat(alice.delete("/v2/provisioning-extensions/aws/manifests/" + aws.digest()).status())
        .isEqualTo(202);
  }

  @Test
  void movingATagNeedsUpdateWhileANewTagNeedsCreate() throws Exception {
    writePolicy(
        """
        {"repositories": {"tools/*": {
          "policies": [{"users": ["alice"], "actions": ["read", "create"]}]
        }}}
        """);
    Manifest first = pushImage(alice, "tools/jq", "1.7");
    Manifest other = Artifacts.image("another build");
    Pusher pusher = new Pusher(alice);
    for (Blob blob : other.blobs()) {
      pusher.blob("tools/jq", blob);
    }

    Response moved = alice.put("/v2/tools/jq/manifests/1.7", other.mediaType(), other.content());
    assertThat(moved.status()).isEqualTo(403);
    assertThat(moved.errorCode()).isEqualTo("DENIED");
    assertThat(moved.text()).contains("moving it needs the update right");
    assertThat(alice.get("/v2/tools/jq/manifests/1.7").header("Docker-Content-Digest"))
        .contains(first.digest());
    pusher.manifest("tools/jq", "1.7", first);
    pusher.manifest("tools/jq", "1.7.1", other);
    pusher.manifest("tools/jq", other.digest(), other);
  }

  @Test
  void aMountNeverShowsContentTheCallerCannotReadWhereItIs() throws Exception {
    Blob secret = Artifacts.blob(Artifacts.OCI_LAYER, Artifacts.content(100, 1));
    new Pusher(admin).blob("private/vault", secret);
    String target = "/v2/provisioning-test/copy/blobs/uploads/?mount=" + secret.digest();

    assertThat(alice.post(target + "&from=private/vault", new byte[0]).status()).isEqualTo(202);
    assertThat(alice.post(target, new byte[0]).status()).isEqualTo(202);
    assertThat(alice.head(blobPath("provisioning-test/copy", secret)).status()).isEqualTo(404);

    new Pusher(admin).blob("provisioning-extensions/shared", secret);
    assertThat(alice.post(target, new byte[0]).status()).isEqualTo(201);
    assertThat(alice.head(blobPath("provisioning-test/copy", secret)).status()).isEqualTo(200);
    assertThat(
            alice
                .post(
                    "/v2/provisioning-test/again/blobs/uploads/?mount="
                        + secret.digest()
                        + "&from=provisioning-extensions/shared",
                    new byte[0])
                .status())
        .isEqualTo(201);
  }

  @Test
  void theCatalogListsOnlyWhatTheCallerMayRead() throws Exception {
    for (String repository :
        List.of(
            "private/vault",
            "provisioning-extensions/aws",
            "provisioning-kcl/schemas",
            "provisioning-platform/orchestrator",
            "provisioning-test/smoke")) {
      new Pusher(admin).blob(repository, Artifacts.layer("in " + repository));
    }

    assertThat(catalog(anonymous, 100)).containsExactly("provisioning-test/smoke");
    assertThat(catalog(alice, 100))
        .containsExactly(
            "provisioning-extensions/aws",
            "provisioning-kcl/schemas",
            "provisioning-platform/orchestrator",
            "provisioning-test/smoke");
    assertThat(catalog(alice, 1)).isEqualTo(catalog(alice, 100));
    assertThat(catalog(admin, 2)).hasSize(5).contains("private/vault");
  }

  @Test
  void repeatedFailedLoginsAreAnswered429WithRetryAfter() throws Exception {
    TestHttp guessing = anonymous.withBasicAuth("alice", "guess");
    for (int i = 0; i < 10; i++) {
      assertThat(guessing.get("/v2/").status()).isEqualTo(401);
    }

    Response throttled = guessing.get("/v2/");
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(throttled.errorCode()).isEqualTo("TOOMANYREQUESTS");
    assertThat(throttled.header("Retry-After").map(Long::parseLong))
        .hasValueSatisfying(seconds -> assertThat(seconds).isBetween(1L, 10L));
    assertThat(alice.get("/v2/").status())
        .as("the right password is not even checked while the name is throttled")
        .isEqualTo(429);
    assertThat(admin.get("/v2/").status()).as("another user from the same address").isEqualTo(429);
    assertThat(failures.get()).as("failures told").isEqualTo(10);
    assertThat(throttles.get()).as("throttled attempts told").isEqualTo(3);
  }

  @Test
  void credentialsThatAreNotBasicUserAndPasswordAre401() throws Exception {
    for (String header :
        List.of(
            "Bearer abc", "Basic !!!", "Basic " + base64("no-colon"), "Basic " + base64(":pw"))) {
      Response refused = anonymous.withHeader("Authorization", header).get("/v2/");
      assertThat(refused.status()).as(header).isEqualTo(401);
      assertThat(refused.errorCode()).isEqualTo("UNAUTHORIZED");
    }
    assertThat(failures.get()).as("each one told as a failure").isEqualTo(4);
  }

  @Test
  void anEmptyUserAndPasswordIsAnonymousAsClientsWithoutCredentialsSendIt() throws Exception {
    TestHttp empty = anonymous.withHeader("Authorization", "Basic " + base64(":"));
    pushImage(admin, "provisioning-test/smoke", "1");

    assertThat(empty.get("/v2/provisioning-test/smoke/manifests/1").status()).isEqualTo(200);
    assertThat(empty.get("/v2/").status()).isEqualTo(401);
  }

  @Test
  void aVerifiedLoginIsRememberedAndPassesWhileItsNameIsThrottled() throws Exception {
    assertThat(alice.get("/v2/").status()).isEqualTo(200);
    TestHttp guessing = anonymous.withBasicAuth("alice", "guess");
    for (int i = 0; i < 11; i++) {
      guessing.get("/v2/");
    }

    assertThat(guessing.get("/v2/").status()).isEqualTo(429);
    assertThat(alice.get("/v2/").status()).isEqualTo(200);
  }

  @Test
  void aUserRemovedFromTheFileIsRefusedFromTheNextRequestOn() throws Exception {
    assertThat(alice.get("/v2/").status()).isEqualTo(200);

    Htpasswd.remove(htpasswd, "alice");

    assertThat(alice.get("/v2/").status()).isEqualTo(401);
    assertThat(admin.get("/v2/").status()).isEqualTo(200);
  }

  @Test
  void aPolicyChangeAppliesFromTheNextRequestOn() throws Exception {
    assertThat(
            alice
                .post("/v2/provisioning-platform/orchestrator/blobs/uploads/", new byte[0])
                .status())
        .isEqualTo(403);

    writePolicy(
        """
        {"repositories": {"provisioning-platform/**": {"defaultPolicy": ["read", "create"]}}}
        """);

    assertThat(
            alice
                .post("/v2/provisioning-platform/orchestrator/blobs/uploads/", new byte[0])
                .status())
        .isEqualTo(202);
  }

  @Test
  void aPolicyChangeThatDoesNotParseKeepsThePolicyAsItWas() throws Exception {
    writePolicy("{\"repositories\": {\"Not A Glob\": {}}}");

    assertThat(alice.post("/v2/provisioning-extensions/aws/blobs/uploads/", new byte[0]).status())
        .isEqualTo(202);
    assertThat(alice.post("/v2/provisioning-platform/x/blobs/uploads/", new byte[0]).status())
        .isEqualTo(403);
  }

  private static String base64(String text) {
    return java.util.Base64.getEncoder()
        .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private Manifest pushImage(TestHttp as, String repository, String tag) throws Exception {
    return new Pusher(as).image(repository, tag, Artifacts.image(repository + ":" + tag));
  }

  private static String blobPath(String repository, Blob blob) {
    return "/v2/" + repository + "/blobs/" + blob.digest();
  }

  /** Every repository the catalog shows, following its pages of {@code n}. */
  private static List<String> catalog(TestHttp as, int n) throws Exception {
    List<String> names = new ArrayList<>();
    Optional<String> next = Optional.of("/v2/_catalog?n=" + n);
    while (next.isPresent()) {
      Response page = as.get(next.get()).expect(200);
      page.json().path("repositories").forEach(name -> names.add(name.asText()));
      next = page.nextLink();
    }
    return names;
  }

  /** Replaces the policy file the way an editor does: a new file moved over the old one. */
  private void writePolicy(String json) throws Exception {
    Path next = Files.writeString(config.resolve("policy.next"), json);
    Files.move(next, policy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
