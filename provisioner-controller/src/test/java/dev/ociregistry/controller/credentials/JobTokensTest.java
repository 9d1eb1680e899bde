package dev.ociregistry.controller.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.postgres.PostgresServer;
import dev.ociregistry.postgres.PostgresServerExtension;
import dev.ociregistry.postgres.PostgresStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class JobTokensTest {
  @RegisterExtension static final PostgresServerExtension postgres = new PostgresServerExtension();

  @TempDir Path directory;

  @Test
  void aKeyFileIsMadeOwnerOnlyOnceAndKeepsEveryCredentialAcrossOpens() throws Exception {
    Path keyFile = directory.resolve("provisioning/job-credentials.key");
    UUID job = UUID.randomUUID();
    String password = JobTokens.open(keyFile).passwordOf(job);

    assertThat(Files.size(keyFile)).isEqualTo(32);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
    JobTokens reopened = JobTokens.open(keyFile);
    assertThat(reopened.passwordOf(job)).isEqualTo(password);
    assertThat(reopened.matches(job, password)).isTrue();
    assertThat(reopened.matches(UUID.randomUUID(), password)).isFalse();
  }

  @Test
  void replicasSharingADatabaseIssueTheSameCredentialsWhateverTheirOwnKeyFiles() throws Exception {
    String url = postgres.newDatabase();
    Path seeded = directory.resolve("one/job-credentials.key");
    String fromTheFirstReplicasFile = JobTokens.open(seeded).passwordOf(job(1));
    Path otherFile = directory.resolve("two/job-credentials.key");
    JobTokens.open(otherFile);
    Path noFile = directory.resolve("three/job-credentials.key");

    try (PostgresStore one = PostgresStore.open(url, PostgresServer.USER, "", 2);
        PostgresStore two = PostgresStore.open(url, PostgresServer.USER, "", 2)) {
      JobTokens first = JobTokens.openShared(one.documents(), seeded);
      JobTokens second = JobTokens.openShared(two.documents(), otherFile);
      JobTokens third = JobTokens.openShared(two.documents(), noFile);

      assertThat(first.passwordOf(job(1))).isEqualTo(fromTheFirstReplicasFile);
      assertThat(second.passwordOf(job(1))).isEqualTo(fromTheFirstReplicasFile);
      assertThat(third.matches(job(1), fromTheFirstReplicasFile)).isTrue();
      assertThat(noFile).doesNotExist();
    }
  }

  @Test
  void aSharedDatabaseWithoutAKeyGetsARandomOneThatEveryReplicaUses() throws Exception {
    String url = postgres.newDatabase();
    try (PostgresStore one = PostgresStore.open(url, PostgresServer.USER, "", 2)) {
      JobTokens first = JobTokens.openShared(one.documents(), directory.resolve("none-1"));
      JobTokens second = JobTokens.openShared(one.documents(), directory.resolve("none-2"));
      assertThat(second.passwordOf(job(7))).isEqualTo(first.passwordOf(job(7)));
    }
    try (PostgresStore other =
        PostgresStore.open(postgres.newDatabase(), PostgresServer.USER, "", 2)) {
      JobTokens elsewhere = JobTokens.openShared(other.documents(), directory.resolve("none-3"));
      try (PostgresStore one = PostgresStore.open(url, PostgresServer.USER, "", 2)) {
        assertThat(elsewhere.passwordOf(job(7)))
            .as("another site's database has a key of its own")
            .isNotEqualTo(
                JobTokens.openShared(one.documents(), directory.resolve("none-1"))
                    .passwordOf(job(7)));
      }
    }
  }

  @Test
  void aKeyOfTheWrongLengthIsRefusedWithItsSource() throws Exception {
    Path keyFile = Files.write(directory.resolve("short.key"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> JobTokens.open(keyFile))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("short.key is not a job credential key");
    try (PostgresStore one =
        PostgresStore.open(postgres.newDatabase(), PostgresServer.USER, "", 2)) {
      assertThatThrownBy(() -> JobTokens.openShared(one.documents(), keyFile))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("short.key");
    }
  }

  private static UUID job(int n) {
    return new UUID(0, n);
  }
}
