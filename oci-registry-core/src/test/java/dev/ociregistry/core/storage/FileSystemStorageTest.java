package dev.ociregistry.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ociregistry.testkit.Artifacts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemStorageTest {
  @TempDir Path parent;

  private Path root;
  private FileSystemStorage storage;

  @BeforeEach
  void openStorage() throws IOException {
    root = parent.resolve("root");
    storage = new FileSystemStorage(root);
  }

  @Test
  void constructorCreatesRootAndTemporaryDirectory() {
    assertThat(root).isDirectory();
    assertThat(root.resolve("tmp")).isDirectory();
    assertThat(storage.root()).isEqualTo(root.toAbsolutePath().normalize());
  }

  @Test
  void publishReplacesTargetWholeAndLeavesNoTemporary() throws IOException {
    storage.writeAtomically("a/b/target", Artifacts.utf8("old content"));
    byte[] fresh = Artifacts.content(100_000, 1);
    String temporary = storage.newTemporaryKey();
    try (AppendableObject out = storage.openAppend(temporary)) {
      out.write(ByteBuffer.wrap(fresh));
    }

    try (SeekableByteChannel oldReader = storage.openRead("a/b/target")) {
      storage.publish(temporary, "a/b/target");

      // A reader that opened the old object still sees all of it, never a mix.
      assertThat(readAll(oldReader)).isEqualTo(Artifacts.utf8("old content"));
    }
    assertThat(Files.readAllBytes(root.resolve("a/b/target"))).isEqualTo(fresh);
    assertThat(storage.stat(temporary)).isEmpty();
    assertThat(listFiles(root.resolve("tmp"))).isEmpty();
  }

  @Test
  void publishCreatesMissingParentDirectories() throws IOException {
    String temporary = storage.newTemporaryKey();
    try (AppendableObject out = storage.openAppend(temporary)) {
      out.write(ByteBuffer.wrap(Artifacts.utf8("x")));
    }

    storage.publish(temporary, "deep/ly/nested/object");

    assertThat(root.resolve("deep/ly/nested/object")).hasBinaryContent(Artifacts.utf8("x"));
  }

  @Test
  void writeAtomicallyCreatesAndReplacesWithoutLeavingTemporaries() throws IOException {
    storage.writeAtomically("x/y/z", Artifacts.utf8("first"));
    assertThat(root.resolve("x/y/z")).hasBinaryContent(Artifacts.utf8("first"));

    storage.writeAtomically("x/y/z", Artifacts.utf8("second, longer"));
    assertThat(root.resolve("x/y/z")).hasBinaryContent(Artifacts.utf8("second, longer"));

    storage.writeAtomically("x/y/z", new byte[0]);
    assertThat(root.resolve("x/y/z")).isEmptyFile();

    assertThat(listFiles(root.resolve("tmp"))).isEmpty();
  }

  @Test
  void newTemporaryKeysAreUniqueAndUnderTmp() {
    String first = storage.newTemporaryKey();
    String second = storage.newTemporaryKey();

    assertThat(first).startsWith("tmp/").isNotEqualTo(second);
    assertThat(second).startsWith("tmp/");
  }

  @Test
  void readSmallReturnsContentUpToTheCapAndRefusesLargerObjects() throws IOException {
    byte[] content = Artifacts.content(1000, 2);
    storage.writeAtomically("small", content);

    assertThat(storage.readSmall("small", 1000))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(content));
    assertThat(storage.readSmall("small", 5000))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(content));
    assertThatThrownBy(() -> storage.readSmall("small", 999)).isInstanceOf(IOException.class);
  }

  @Test
  void readSmallOfMissingObjectIsEmpty() throws IOException {
    assertThat(storage.readSmall("no/such/object", 10)).isEmpty();
  }

  @Test
  void statReportsSizeAndNothingForMissingKeysOrDirectories() throws IOException {
    storage.writeAtomically("dir/object", Artifacts.content(123, 3));

    Optional<ObjectInfo> info = storage.stat("dir/object");
    assertThat(info).isPresent();
    assertThat(info.get().size()).isEqualTo(123);
    assertThat(info.get().lastModified())
        .isEqualTo(Files.getLastModifiedTime(root.resolve("dir/object")).toInstant());
    assertThat(storage.stat("dir")).isEmpty();
    assertThat(storage.stat("dir/missing")).isEmpty();
  }

  @Test
  void openReadOfMissingObjectThrowsNoSuchFile() {
    assertThatThrownBy(() -> storage.openRead("missing"))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }

  @Test
  void listReturnsDirectChildrenOnly() throws IOException {
    storage.writeAtomically("p/a", new byte[0]);
    storage.writeAtomically("p/b", new byte[0]);
    storage.writeAtomically("p/sub/c", new byte[0]);

    try (Stream<String> names = storage.list("p")) {
      assertThat(names).containsExactlyInAnyOrder("a", "b", "sub");
    }
  }

  @Test
  void listOfMissingPrefixIsEmpty() throws IOException {
    try (Stream<String> names = storage.list("no/such/prefix")) {
      assertThat(names).isEmpty();
    }
  }

  @Test
  void listOfAnObjectIsEmpty() throws IOException {
    storage.writeAtomically("object", new byte[0]);

    try (Stream<String> names = storage.list("object")) {
      assertThat(names).isEmpty();
    }
  }

  @Test
  void isPrefixIsTrueOnlyForDirectories() throws IOException {
    storage.writeAtomically("dir/object", new byte[0]);

    assertThat(storage.isPrefix("dir")).isTrue();
    assertThat(storage.isPrefix("dir/object")).isFalse();
    assertThat(storage.isPrefix("nothing")).isFalse();
  }

  @Test
  void keysEscapingTheRootAreRefused() throws IOException {
    Path outside = parent.resolve("outside");
    Files.writeString(outside, "secret");
    Path sibling = parent.resolve("root2");

    assertThatThrownBy(() -> storage.stat("../outside"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.readSmall("a/../../outside", 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.openRead("../outside"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.writeAtomically("../outside", Artifacts.utf8("overwritten")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.openAppend("../root2/appended"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.delete("../outside"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.deleteTree("..")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.touch("../outside"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.list("..")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.stat(outside.toAbsolutePath().toString()))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(outside).hasContent("secret");
    assertThat(sibling).doesNotExist();
    assertThat(parent).isDirectory();
  }

  @Test
  void dotDotThatStaysInsideTheRootIsAccepted() throws IOException {
    storage.writeAtomically("a/../b", Artifacts.utf8("inside"));

    assertThat(root.resolve("b")).hasContent("inside");
  }

  @Test
  void touchMovesLastModifiedToNow() throws IOException {
    storage.writeAtomically("object", Artifacts.utf8("x"));
    Instant past = Instant.now().minus(Duration.ofDays(3));
    Files.setLastModifiedTime(root.resolve("object"), FileTime.from(past));
    Instant before = Instant.now().minusSeconds(1);

    assertThat(storage.touch("object")).isTrue();

    Instant after = storage.stat("object").orElseThrow().lastModified();
    assertThat(after).isAfter(before);
    assertThat(root.resolve("object")).hasContent("x");
  }

  @Test
  void touchOfMissingKeyReturnsFalseAndCreatesNothing() throws IOException {
    assertThat(storage.touch("missing")).isFalse();
    assertThat(root.resolve("missing")).doesNotExist();
  }

  @Test
  void removeTemporariesEmptiesTmpAndKeepsItUsable() throws IOException {
    String temporary = storage.newTemporaryKey();
    try (AppendableObject out = storage.openAppend(temporary)) {
      out.write(ByteBuffer.wrap(Artifacts.utf8("partial")));
    }
    Files.createDirectories(root.resolve("tmp/nested/dir"));
    Files.writeString(root.resolve("tmp/nested/dir/file"), "left by a crash");
    storage.writeAtomically("kept", Artifacts.utf8("kept"));

    storage.removeTemporaries();

    assertThat(root.resolve("tmp")).isEmptyDirectory();
    assertThat(root.resolve("kept")).hasContent("kept");
    storage.writeAtomically("after", Artifacts.utf8("still works"));
    assertThat(root.resolve("after")).hasContent("still works");
  }

  @Test
  void deleteTreeRemovesPrefixAndEverythingBelow() throws IOException {
    storage.writeAtomically("tree/a", new byte[0]);
    storage.writeAtomically("tree/sub/b", new byte[0]);
    storage.writeAtomically("tree/sub/deeper/c", new byte[0]);
    storage.writeAtomically("treehouse/d", new byte[0]);

    storage.deleteTree("tree");

    assertThat(root.resolve("tree")).doesNotExist();
    assertThat(root.resolve("treehouse/d")).exists();
  }

  @Test
  void deleteTreeOfMissingPrefixDoesNothing() throws IOException {
    storage.deleteTree("no/such/tree");

    assertThat(root.resolve("no")).doesNotExist();
  }

  @Test
  void deleteReportsWhetherTheObjectExisted() throws IOException {
    storage.writeAtomically("dir/object", new byte[0]);

    assertThat(storage.delete("dir/object")).isTrue();
    assertThat(storage.delete("dir/object")).isFalse();
    assertThat(root.resolve("dir/object")).doesNotExist();
  }

  @Test
  void deleteOfNonEmptyPrefixReturnsFalseAndKeepsIt() throws IOException {
    storage.writeAtomically("dir/object", new byte[0]);

    assertThat(storage.delete("dir")).isFalse();
    assertThat(root.resolve("dir/object")).exists();
  }

  @Test
  void appendThenTruncateThenAppendAgain() throws IOException {
    try (AppendableObject out = storage.openAppend("uploads/x/data")) {
      assertThat(out.size()).isZero();
      out.write(ByteBuffer.wrap(Artifacts.utf8("hello ")));
      out.write(ByteBuffer.wrap(Artifacts.utf8("world")));
      assertThat(out.size()).isEqualTo(11);

      out.truncate(5);
      assertThat(out.size()).isEqualTo(5);
      out.write(ByteBuffer.wrap(Artifacts.utf8("!")));
      out.sync();
    }
    assertThat(root.resolve("uploads/x/data")).hasContent("hello!");

    try (AppendableObject out = storage.openAppend("uploads/x/data")) {
      assertThat(out.size()).isEqualTo(6);
      out.write(ByteBuffer.wrap(Artifacts.utf8("?")));
    }
    assertThat(root.resolve("uploads/x/data")).hasContent("hello!?");
  }

  @Test
  void largeHeapWriteLandsWholeAndInOrderThroughItsSlices() throws IOException {
    int slice = FileSystemStorage.FileAppendable.HEAP_WRITE_SLICE;
    byte[] content = Artifacts.content(4 * slice + 17, 3);
    ByteBuffer source = ByteBuffer.wrap(content, 5, content.length - 5);
    try (AppendableObject out = storage.openAppend("uploads/y/data")) {
      assertThat(out.write(source)).isEqualTo(content.length - 5);
      assertThat(source.hasRemaining()).isFalse();
    }
    assertThat(Files.readAllBytes(root.resolve("uploads/y/data")))
        .isEqualTo(Arrays.copyOfRange(content, 5, content.length));
  }

  @Test
  void openReadReadsAnyRange() throws IOException {
    byte[] content = Artifacts.content(10_000, 4);
    storage.writeAtomically("object", content);

    try (SeekableByteChannel in = storage.openRead("object")) {
      assertThat(in.size()).isEqualTo(10_000);
      in.position(9_000);
      ByteBuffer buffer = ByteBuffer.allocate(500);
      while (buffer.hasRemaining()) {
        assertThat(in.read(buffer)).isPositive();
      }
      assertThat(buffer.array()).isEqualTo(Arrays.copyOfRange(content, 9_000, 9_500));
    }
  }

  private static byte[] readAll(SeekableByteChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
    channel.position(0);
    while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
      // keep reading
    }
    return buffer.array();
  }

  private static List<Path> listFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }
}
