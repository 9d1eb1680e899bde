package dev.ociregistry.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.TestHttp;
import dev.ociregistry.testkit.TestHttp.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever a client sends, the answer is never a 5xx. */
class ClientInputTest {
  @TempDir Path root;

  private ApiTestServer server;
  private TestHttp http;

  @BeforeEach
  void start() throws Exception {
    server = ApiTestServer.start(root);
    http = server.http();
    Images.push(server.registry(), "os-images/ubuntu", "22.04", "rootfs");
    http.postJson("/api/v1/recipes", Recipes.linux("ubuntu", "os-images/ubuntu:22.04").toString());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void oddBodiesOnEveryWritingRouteNeverCause5xx() throws Exception {
    String job =
        http.postJson("/api/v1/jobs", "{\"recipe\": \"ubuntu\", \"server\": \"s\"}")
            .json()
            .get("id")
            .asText();
    List<String> bodies =
        List.of(
            "[".repeat(5000) + "]".repeat(5000),
            "{\"a\":" + "1".repeat(5000) + "}",
            "{\"name\": \"\\ud800\"}",
            "{\"partitions\": [" + "{},".repeat(500) + "{}]}",
            "{\"oci_url\": \"" + "a/".repeat(3000) + "b:1\"}",
            "{\"oci_url\": \"os-images/ubuntu@sha256:" + "0".repeat(64) + "\"}",
            "{\"oci_url\": \"os-images/ubuntu@sha256:" + "A".repeat(64) + "\"}",
            "{\"oci_url\": \"localhost:99999/a:b\"}",
            "{\"cloud_init\": null, \"unattend_xml\": null}",
            "null",
            "\u0000",
            "{\"state\": \"running\", \"message\": \"" + "x".repeat(9000) + "\"}");
    List<String> paths =
        List.of(
            "/api/v1/recipes",
            "/api/v1/recipes/ubuntu",
            "/api/v1/jobs",
            "/api/v1/jobs/" + job + "/status",
            "/api/v1/oci/artifacts");
    List<String> failures = new ArrayList<>();
    for (String path : paths) {
      for (String body : bodies) {
        for (String method : List.of("POST", "PUT")) {
          Response response = Api.send(http, method, path, body);
          if (response.status() >= 500) {
            failures.add(method + " " + path + " " + abbreviate(body) + " -> " + response);
          }
        }
      }
    }

    assertThat(failures).isEmpty();
  }

  @Test
  void oddPathsNeverCause5xx() throws Exception {
    List<String> failures = new ArrayList<>();
    for (String path :
        List.of(
            "/api/v1/recipes/%2e%2e",
            "/api/v1/recipes/..%2f..%2fetc",
            "/api/v1/recipes/a%00b",
            "/api/v1/recipes/" + "a".repeat(2000),
            "/api/v1/jobs/%20",
            "/api/v1/jobs?state=",
            "/api/v1/jobs?state=%00",
            "/media/tasks/..%2F..%2Fjobs/task.json",
            "/media/tasks/%2e%2e/task.json")) {
      Response response = http.get(path);
      if (response.status() >= 500) {
        failures.add(path + " -> " + response);
      }
    }

    assertThat(failures).isEmpty();
  }

  private static String abbreviate(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }
}
