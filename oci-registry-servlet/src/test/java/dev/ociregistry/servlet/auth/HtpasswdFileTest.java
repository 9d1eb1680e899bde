package dev.ociregistry.servlet.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.testkit.Htpasswd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mindrot.jbcrypt.BCrypt;

class HtpasswdFileTest {
  @TempDir Path dir;

  @Test
  void entriesWrittenByHtpasswdDashBVerify() throws Exception {
    Path file = dir.resolve("htpasswd");
    Htpasswd.set(file, "alice", "alice-secret");
    Htpasswd.set(file, "bob", "bob-secret");

    HtpasswdFile users = HtpasswdFile.load(file, false);

    assertThat(Files.readString(file)).contains("alice:$2y$");
    assertThat(users.size()).isEqualTo(2);
    assertThat(users.verify("alice", "alice-secret")).isTrue();
    assertThat(users.verify("alice", "bob-secret")).isFalse();
    assertThat(users.verify("carol", "alice-secret")).isFalse();
  }

  @Test
  void bcryptAsOtherToolsWriteItVerifies() throws Exception {
    String a = BCrypt.hashpw("a-secret", BCrypt.gensalt(5));
    String b = "$2b$" + BCrypt.hashpw("b-secret", BCrypt.gensalt(5)).substring(4);
    Path file = Files.write(dir.resolve("htpasswd"), List.of("a:" + a, "b:" + b));

    HtpasswdFile users = HtpasswdFile.load(file, false);

    assertThat(users.verify("a", "a-secret")).isTrue();
    assertThat(users.verify("b", "b-secret")).isTrue();
    assertThat(users.verify("b", "a-secret")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-m", "-s", "-d"})
  void weakHashesAreRefusedNamingTheFileAndLine(String flag) throws Exception {
    Path file = dir.resolve("htpasswd");
    Htpasswd.set(file, "alice", "alice-secret");
    Htpasswd.setWith(file, flag, "weak", "weak-secret");

    assertThatThrownBy(() -> HtpasswdFile.load(file, false))
        .isInstanceOf(HtpasswdFile.InvalidHtpasswdException.class)
        .hasMessageContaining(file + ":2: user weak has a weak password hash")
        .hasMessageContaining("REGISTRY_HTPASSWD_ALLOW_WEAK")
        .hasMessageNotContaining("weak-secret");
  }

  @Test
  void shaCryptAndMd5CryptAsOtherToolsWriteThemVerifyWhenAllowed() throws Exception {
    Path file =
        Files.write(
            dir.resolve("htpasswd"),
            List.of(
                "five:" + org.apache.commons.codec.digest.Crypt.crypt("five-pw", "$5$salt5"),
                "six:" + org.apache.commons.codec.digest.Crypt.crypt("six-pw", "$6$salt6"),
                "one:" + org.apache.commons.codec.digest.Md5Crypt.md5Crypt("one-pw".getBytes())));

    HtpasswdFile users = HtpasswdFile.load(file, true);

    assertThat(users.verify("five", "five-pw")).isTrue();
    assertThat(users.verify("six", "six-pw")).isTrue();
    assertThat(users.verify("one", "one-pw")).isTrue();
    assertThat(users.verify("six", "five-pw")).isFalse();
  }

  @Test
  void aBcryptHashOfTheWrongLengthIsInNoKnownFormat() throws Exception {
    Path file = Files.write(dir.resolve("htpasswd"), List.of("cut:$2y$05$tooShort"));

    assertThatThrownBy(() -> HtpasswdFile.load(file, true))
        .hasMessage(file + ":1: user cut has a password hash in no known format");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-m", "-s", "-d"})
  void weakHashesVerifyWhenTheOperatorAllowsThem(String flag) throws Exception {
    Path file = dir.resolve("htpasswd");
    Htpasswd.setWith(file, flag, "weak", "weak-secret");

    HtpasswdFile users = HtpasswdFile.load(file, true);

    assertThat(users.verify("weak", "weak-secret")).isTrue();
    assertThat(users.verify("weak", "other-secret")).isFalse();
  }

  @Test
  void linesThatAreNotEntriesAreRefusedNamingTheLine() throws Exception {
    Path unknown = Files.write(dir.resolve("unknown"), List.of("# users", "", "carol:plain-text!"));
    Path noColon = Files.write(dir.resolve("no-colon"), List.of("just-a-name"));
    Path twice =
        Files.write(
            dir.resolve("twice"),
            List.of(
                "dup:" + BCrypt.hashpw("x", BCrypt.gensalt(4)),
                "dup:" + BCrypt.hashpw("y", BCrypt.gensalt(4))));

    assertThatThrownBy(() -> HtpasswdFile.load(unknown, true))
        .hasMessage(unknown + ":3: user carol has a password hash in no known format");
    assertThatThrownBy(() -> HtpasswdFile.load(noColon, true))
        .hasMessage(noColon + ":1: not a user:hash line");
    assertThatThrownBy(() -> HtpasswdFile.load(twice, true))
        .hasMessage(twice + ":2: user dup is listed twice");
  }

  @Test
  void aChangedFileCountsFromTheNextCheck() throws Exception {
    Path file = dir.resolve("htpasswd");
    Htpasswd.set(file, "alice", "alice-secret");
    Htpasswd.set(file, "bob", "bob-secret");
    HtpasswdFile users = HtpasswdFile.load(file, false);
    long generation = users.generation();

    Htpasswd.remove(file, "alice");
    Htpasswd.set(file, "carol", "carol-secret");

    assertThat(users.verify("alice", "alice-secret")).isFalse();
    assertThat(users.verify("carol", "carol-secret")).isTrue();
    assertThat(users.verify("bob", "bob-secret")).isTrue();
    assertThat(users.generation()).isGreaterThan(generation);
  }

  @Test
  void aChangeThatDoesNotParseKeepsTheUsersAsTheyWere() throws Exception {
    Path file = dir.resolve("htpasswd");
    Htpasswd.set(file, "alice", "alice-secret");
    HtpasswdFile users = HtpasswdFile.load(file, false);

    Files.writeString(file, "alice:not-a-hash-at-all\n");

    assertThat(users.verify("alice", "alice-secret")).isTrue();
  }
}
