package dev.ociregistry.servlet.auth;

import static dev.ociregistry.servlet.RegistryAction.CREATE;
import static dev.ociregistry.servlet.RegistryAction.DELETE;
import static dev.ociregistry.servlet.RegistryAction.READ;
import static dev.ociregistry.servlet.RegistryAction.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.core.model.RepositoryName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessPolicyTest {
  /** The example the project ships: the four namespaces of a provisioning platform. */
  static final Path EXAMPLE = Path.of("../docs/examples/access-policy.json");

  private static final Principal ANONYMOUS = Principal.ANONYMOUS;
  private static final Principal ALICE = new Principal("alice");
  private static final Principal ADMIN = new Principal("admin");

  @Test
  void theShippedExampleGivesEachNamespaceItsPolicy() throws Exception {
    AccessPolicy policy = AccessPolicy.parse(Files.readAllBytes(EXAMPLE), EXAMPLE.toString());

    assertThat(policy.allowed(ALICE, repo("provisioning-extensions/aws")))
        .containsExactlyInAnyOrder(READ, CREATE, UPDATE, DELETE);
    assertThat(policy.allowed(ANONYMOUS, repo("provisioning-extensions/aws"))).isEmpty();
    assertThat(policy.allowed(ALICE, repo("provisioning-kcl/schemas")))
        .containsExactlyInAnyOrder(READ, CREATE, UPDATE);
    assertThat(policy.allowed(ALICE, repo("provisioning-platform/orchestrator")))
        .containsExactly(READ);
    assertThat(policy.allowed(ADMIN, repo("provisioning-platform/orchestrator")))
        .containsExactlyInAnyOrder(READ, CREATE, UPDATE, DELETE);
    assertThat(policy.allowed(ANONYMOUS, repo("provisioning-test/smoke"))).containsExactly(READ);
    assertThat(policy.allowed(ALICE, repo("provisioning-test/smoke")))
        .containsExactlyInAnyOrder(READ, CREATE, UPDATE, DELETE);
    assertThat(policy.allowed(ALICE, repo("elsewhere/image"))).isEmpty();
    assertThat(policy.isAdmin(ADMIN)).isTrue();
    assertThat(policy.isAdmin(ALICE)).isFalse();
    assertThat(policy.mayWriteApi(ADMIN)).isTrue();
    assertThat(policy.mayWriteApi(ALICE)).isFalse();
  }

  @Test
  void namedUsersAndGroupsGetTheirActionsBesideEveryone() throws Exception {
    AccessPolicy policy =
        parse(
            """
            {
              "groups": {"builders": {"users": ["bob"]}},
              "repositories": {
                "tools/*": {
                  "policies": [
                    {"users": ["alice"], "actions": ["create"]},
                    {"groups": ["builders"], "actions": ["delete"]}
                  ],
                  "defaultPolicy": ["read"]
                }
              },
              "api": {"write": "authenticated"}
            }
            """);

    assertThat(policy.allowed(ALICE, repo("tools/jq"))).containsExactlyInAnyOrder(READ, CREATE);
    assertThat(policy.allowed(new Principal("bob"), repo("tools/jq")))
        .containsExactlyInAnyOrder(READ, DELETE);
    assertThat(policy.allowed(new Principal("carol"), repo("tools/jq"))).containsExactly(READ);
    assertThat(policy.mayWriteApi(new Principal("carol"))).isTrue();
    assertThat(policy.mayWriteApi(ANONYMOUS)).isFalse();
  }

  @Test
  void theLongestMatchingGlobWins() throws Exception {
    AccessPolicy policy =
        parse(
            """
            {"repositories": {
              "os/**": {"anonymousPolicy": ["read"]},
              "os/private/**": {"defaultPolicy": ["read"]}
            }}
            """);

    assertThat(policy.allowed(ANONYMOUS, repo("os/ubuntu"))).containsExactly(READ);
    assertThat(policy.allowed(ANONYMOUS, repo("os/private/keys"))).isEmpty();
  }

  @Test
  void withoutAPolicyFileAuthenticatedUsersMayDoEverythingAndAnonymousNothing() {
    AccessPolicy policy = AccessPolicy.authenticatedMayDoEverything();

    assertThat(policy.allowed(ALICE, repo("any/repo")))
        .containsExactlyInAnyOrder(READ, CREATE, UPDATE, DELETE);
    assertThat(policy.allowed(ANONYMOUS, repo("any/repo"))).isEmpty();
    assertThat(policy.isAdmin(ALICE)).isTrue();
    assertThat(policy.isAdmin(ANONYMOUS)).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\\n\"repositories\": {\\n\"Tools/*\": {}}} | policy.json:3: \"Tools/*\" is not a repository glob",
        "{\\n\"repositories\": {\\n\"tools/*\": {\"defaultPolicy\": [\"write\"]}}} | policy.json:3: unknown action \"write\" for tools/*",
        "{\"repositories\": {\"tools/*\": {\\n\"policies\": [{\"groups\": [\"ghosts\"], \"actions\": [\"read\"]}]}}} | policy.json:1: group \"ghosts\" is not defined",
        "{\\n\\n\"owners\": []} | policy.json:3: unknown field \"owners\"",
        "{\"repositories\": {\"tools/*\": {\\n\"everyone\": [\"read\"]}}} | policy.json:1: unknown field \"everyone\" for tools/*",
        "{\"api\": {\"write\": \"everybody\"}} | policy.json:1: api.write is \"everybody\"",
        "{\\n\\n  \"repositories\": [ | policy.json:3: \"repositories\" is an object",
        "{\\n\"groups\": {,} | policy.json:2: not JSON",
      })
  void aBadPolicyIsRefusedNamingTheLine(String content, String message) {
    assertThatThrownBy(() -> parse(content.replace("\\n", "\n")))
        .isInstanceOf(AccessPolicy.InvalidPolicyException.class)
        .hasMessageStartingWith(message);
  }

  private static AccessPolicy parse(String json) throws Exception {
    return AccessPolicy.parse(json.getBytes(StandardCharsets.UTF_8), "policy.json");
  }

  private static RepositoryName repo(String name) {
    return RepositoryName.parse(name);
  }
}
