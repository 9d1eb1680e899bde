package dev.ociregistry.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresDocumentsTest {
  @RegisterExtension static final PostgresServerExtension server = new PostgresServerExtension();

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

  @Test
  void theFirstOfSeveralWritersOfANewDocumentWinsAndEveryoneGetsItsBytes() throws Exception {
    String url = server.newDatabase();
    try (PostgresStore one = PostgresStore.open(url, PostgresServer.USER, "", 4);
        PostgresStore two = PostgresStore.open(url, PostgresServer.USER, "", 4)) {
      List<Callable<byte[]>> writers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        PostgresDocuments documents = (i % 2 == 0 ? one : two).documents();
        byte[] mine = bytes("key " + i);
        writers.add(() -> documents.putIfAbsent("secrets", "key", mine));
      }
      ExecutorService threads = Executors.newFixedThreadPool(8);
      Set<String> stored = new HashSet<>();
      try {
        for (Future<byte[]> written : threads.invokeAll(writers)) {
          stored.add(new String(written.get(), StandardCharsets.UTF_8));
        }
      } finally {
        threads.shutdownNow();
      }
      assertThat(stored).hasSize(1);
      assertThat(one.documents().read("secrets", "key"))
          .hasValueSatisfying(v -> assertThat(stored).contains(new String(v, UTF_8)));
      assertThat(two.documents().putIfAbsent("secrets", "key", bytes("late")))
          .asString(UTF_8)
          .isEqualTo(stored.iterator().next());
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
