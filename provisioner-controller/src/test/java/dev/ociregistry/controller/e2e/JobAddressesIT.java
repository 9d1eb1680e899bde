package dev.ociregistry.controller.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.testkit.Artifacts;
import dev.ociregistry.testkit.Artifacts.Manifest;
import dev.ociregistry.testkit.JarProcess;
import dev.ociregistry.testkit.Pusher;
import dev.ociregistry.testkit.RawHttp;
import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No silent unpinned jobs, through the jar as users run it: listening on 127.0.0.1 and reached as
 * {@code 127.0.0.1:<port>}, a recipe naming the registry as {@code localhost:<port>}, as {@code
 * 127.0.0.1:<port>} or as one of {@code REGISTRY_PUBLIC_HOSTS} gives a pinned job; one naming a
 * foreign host gives a job that says it pins nothing and why, even when the requests were sent with
 * that host as their {@code Host}; one naming this registry with a tag it does not hold is refused
 * with 422 naming the repository and the tag.
 */
class JobAddressesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPOSITORY = "os-images/ubuntu-rootfs";
  private static final String PUBLIC_HOST = "registry.internal:5000";

  @TempDir Path workDir;

  @Test
  void jobsPinWhateverAddressOfThisRegistryTheRecipeNamesAndSayWhyWhenTheyCannot()
      throws Exception {
    try (JarProcess controller =
        ControllerJar.startedOnAFreePort(workDir, Map.of("REGISTRY_PUBLIC_HOSTS", PUBLIC_HOST))) {
      TestHttp http = new TestHttp(controller.base());
      int port = controller.base().getPort();
      assertThat(http.hostPort()).isEqualTo("127.0.0.1:" + port);
      Manifest image = new Pusher(http).image(REPOSITORY, "22.04", Artifacts.image("ubuntu 22.04"));

      for (String host : new String[] {"localhost:" + port, "127.0.0.1:" + port, PUBLIC_HOST}) {
        String url = host + "/" + REPOSITORY + ":22.04";
        JsonNode artifact = job(http, url).get("artifact");
        assertThat(artifact.get("registry_host").asText()).as(url).isEqualTo(host);
        assertThat(artifact.get("digest").asText()).as(url).isEqualTo(image.digest());
        assertThat(artifact.get("pinned").asBoolean()).as(url).isTrue();
        assertThat(artifact.get("reason").isNull()).as(url).isTrue();
      }
      Response refused = http.delete("/v2/" + REPOSITORY + "/manifests/" + image.digest());
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.text()).contains("DENIED", "job-");

      String foreign = "registry.example.com/" + REPOSITORY + ":22.04";
      JsonNode elsewhere = job(http, foreign).get("artifact");
      assertThat(elsewhere.get("digest").isNull()).isTrue();
      assertThat(elsewhere.get("pinned").asBoolean()).isFalse();
      assertThat(elsewhere.get("reason").asText())
          .startsWith(
              "the oci_url's host registry.example.com is not an address of this registry, which"
                  + " answers at port "
                  + port
                  + " of localhost, 127.0.0.1")
          .contains(" and at REGISTRY_PUBLIC_HOSTS (" + PUBLIC_HOST + ");")
          .doesNotContain("(the Host")
          .endsWith("the job pins nothing, and the machine pulls " + foreign + " itself");

      new Pusher(http).image("x", "y", Artifacts.image("this registry's x:y"));
      RawHttp.Response recipe =
          sentTo(controller.base(), "quay.io", "/api/v1/recipes", recipe("quay", "quay.io/x:y"));
      assertThat(recipe.status()).as(recipe.toString()).isEqualTo(201);
      RawHttp.Response quay =
          sentTo(
              controller.base(),
              "quay.io",
              "/api/v1/jobs",
              "{\"recipe\": \"quay\", \"server\": \"s2\"}");
      assertThat(quay.status()).as(quay.toString()).isEqualTo(201);
      JsonNode spoofed = JSON.readTree(quay.content()).get("artifact");
      assertThat(spoofed.get("registry_host").asText()).isEqualTo("quay.io");
      assertThat(spoofed.get("digest").isNull()).isTrue();
      assertThat(spoofed.get("pinned").asBoolean()).isFalse();
      assertThat(spoofed.get("reason").asText())
          .contains("this request was sent to Host quay.io, but the Host a client names does not")
          .endsWith("the job pins nothing, and the machine pulls quay.io/x:y itself");
      assertThat(http.delete("/v2/x/manifests/y").status())
          .as("no job pins this registry's x:y")
          .isEqualTo(202);

      String missing = "localhost:" + port + "/" + REPOSITORY + ":24.04";
      Response noSuchTag = http.postJson("/api/v1/recipes", recipe("missing", missing));
      assertThat(noSuchTag.status()).isEqualTo(422);
      assertThat(noSuchTag.json())
          .isEqualTo(
              JSON.readTree(
                  """
                  {"error": {"field": "oci_url",
                   "message": "oci_url %1$s points at this registry, but repository %2$s holds no tag 24.04",
                   "detail": {"oci_url": "%1$s", "repository": "%2$s", "tag": "24.04"}}}
                  """
                      .formatted(missing, REPOSITORY)));

      String doomed = "localhost:" + port + "/" + REPOSITORY + ":doomed";
      new Pusher(http).image(REPOSITORY, "doomed", Artifacts.image("doomed"));
      http.postJson("/api/v1/recipes", recipe("doomed", doomed)).expect(201);
      http.delete("/v2/" + REPOSITORY + "/manifests/doomed").expect(202);
      Response gone =
          http.postJson("/api/v1/jobs", "{\"recipe\": \"doomed\", \"server\": \"server09\"}");
      assertThat(gone.status()).isEqualTo(422);
      assertThat(gone.json())
          .isEqualTo(
              JSON.readTree(
                  """
                  {"error": {"field": "recipe",
                   "message": "the oci_url %1$s of recipe doomed points at this registry, but repository %2$s holds no tag doomed",
                   "detail": {"oci_url": "%1$s", "repository": "%2$s", "tag": "doomed"}}}
                  """
                      .formatted(doomed, REPOSITORY)));
      assertThat(http.get("/api/v1/jobs?recipe=doomed").json().get("jobs")).isEmpty();
      assertThat(controller.log()).contains("not pinned: the oci_url's host registry.example.com");
    }
  }

  /** POSTs {@code body} to {@code path} with {@code host} as the request's {@code Host}. */
  private static RawHttp.Response sentTo(URI base, String host, String path, String body)
      throws IOException {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write(
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: "
                + host
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + content.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    request.write(content);
    return RawHttp.send(base, request.toByteArray(), false);
  }

  /** Creates a recipe of {@code ociUrl} and a job of it; returns the job. */
  private static JsonNode job(TestHttp http, String ociUrl) throws IOException {
    String name = "r" + Integer.toHexString(ociUrl.hashCode());
    http.postJson("/api/v1/recipes", recipe(name, ociUrl)).expect(201);
    return http.postJson("/api/v1/jobs", "{\"recipe\": \"" + name + "\", \"server\": \"s1\"}")
        .expect(201)
        .json();
  }

  private static String recipe(String name, String ociUrl) {
    return "{\"name\": \""
        + name
        + "\", \"task_target\": \"install-linux.target\", \"target_disk\": \"/dev/sda\","
        + " \"oci_url\": \""
        + ociUrl
        + "\", \"partitions\": [{\"mount\": \"/\", \"size\": \"0\", \"fstype\": \"ext4\"}]}";
  }
}
