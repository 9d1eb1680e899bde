package dev.ociregistry.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresDocumentsTest {
  private static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void documentsAreWrittenReadListedReplacedOnlyWhileUnchangedAndDeleted() throws Exception {
    String url = server.newDatabase();
    try (PostgresStore one = PostgresStore.open(url, PostgresServer.USER, "", 2);
        PostgresStore two = PostgresStore.open(url, PostgresServer.USER, "", 2)) {
      PostgresDocuments here = one.documents();
      PostgresDocuments there = two.documents();
      here.put("jobs", "b", bytes("first"));
      here.put("jobs", "a", bytes("other"));
      here.put("recipes", "a", bytes("recipe"));
      assertThat(there.names("jobs")).containsExactly("a", "b");
      assertThat(there.read("jobs", "b"))
          .hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("first")));

      assertThat(there.replace("jobs", "b", bytes("first"), bytes("second"))).isTrue();
      assertThat(here.replace("jobs", "b", bytes("first"), bytes("lost"))).isFalse();
      assertThat(here.read("jobs", "b"))
          .hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("second")));
      assertThat(here.replace("jobs", "missing", bytes("x"), bytes("y"))).isFalse();

      assertThat(there.delete("jobs", "b")).isTrue();
      assertThat(there.delete("jobs", "b")).isFalse();
      assertThat(here.read("jobs", "b")).isEmpty();
      assertThat(here.names("recipes")).containsExactly("a");
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
