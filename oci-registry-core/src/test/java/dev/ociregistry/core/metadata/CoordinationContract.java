package dev.ociregistry.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.core.digest.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Coordination} must do; each implementation's test extends this class. {@link
 * #anotherProcess()} stands for another replica sharing the store.
 */
public abstract class CoordinationContract {
  private static final Digest A = digest("a");
  private static final Digest B = digest("b");

  /** For the implementations' tests. */
  protected CoordinationContract() {}

  /** The coordination under test; called once per test. */
  protected abstract Coordination coordination() throws IOException;

  /** A second instance sharing the store of {@link #coordination()}. */
  protected abstract Coordination anotherProcess() throws IOException;

  @Test
  void aLockHeldKeepsAnotherHolderWaitingUntilItIsClosed() throws Exception {
    Coordination here = coordination();
    Coordination there = anotherProcess();
    CompletableFuture<Void> second;
    try (Coordination.Held held = here.lock(A)) {
      second =
          CompletableFuture.runAsync(
              () -> {
                try (Coordination.Held other = there.lock(List.of(B, A))) {
                  // Taken: nothing to do but let go.
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      Thread.sleep(200);
      assertThat(second).isNotDone();
    }
    second.get(10, TimeUnit.SECONDS);
  }

  @Test
  void locksTakenInAnyOrderByManyHoldersNeverDeadlock() throws Exception {
    Coordination here = coordination();
    Coordination there = anotherProcess();
    CompletableFuture<Void> one = lockRepeatedly(here, List.of(A, B));
    CompletableFuture<Void> two = lockRepeatedly(there, List.of(B, A));
    CompletableFuture.allOf(one, two).get(60, TimeUnit.SECONDS);
  }

  @Test
  void anUploadsLockIsRefusedElsewhereWhileHeldAndFreeAfter() throws Exception {
    Coordination here = coordination();
    Coordination there = anotherProcess();
    Coordination.Held held = here.tryLockUpload("upload-1", Duration.ZERO).orElseThrow();
    assertThat(elsewhere(() -> there.tryLockUpload("upload-1", Duration.ofMillis(100)))).isFalse();
    try (Coordination.Held digest = here.lock(A)) {
      // A holder of an upload's lock takes digest locks too (it publishes the blob).
    }
    held.close();
    assertThat(elsewhere(() -> there.tryLockUpload("upload-1", Duration.ZERO))).isTrue();
  }

  @Test
  void oneCollectorLeaseAtATime() throws Exception {
    Coordination here = coordination();
    Coordination there = anotherProcess();
    Coordination.Held lease = here.tryCollectorLease(Duration.ZERO).orElseThrow();
    assertThat(elsewhere(() -> there.tryCollectorLease(Duration.ofMillis(100)))).isFalse();
    lease.close();
    assertThat(elsewhere(() -> there.tryCollectorLease(Duration.ofSeconds(5)))).isTrue();
  }

  /** Whether another thread takes what {@code attempt} tries (and lets it go again). */
  private static boolean elsewhere(LockAttempt attempt) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                Optional<Coordination.Held> taken = attempt.take();
                taken.ifPresent(Coordination.Held::close);
                return taken.isPresent();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .get(10, TimeUnit.SECONDS);
  }

  /** One try for a lock. */
  @FunctionalInterface
  private interface LockAttempt {
    Optional<Coordination.Held> take() throws IOException;
  }

  @Test
  void notesAreKeptOnlyWhileACollectionRuns() throws IOException {
    Coordination here = coordination();
    Coordination there = anotherProcess();
    try (Coordination.Held held = here.lock(A)) {
      here.note(A);
    }
    assertThat(here.noted(A)).isFalse();
    here.beginCollection();
    try (Coordination.Held held = there.lock(A)) {
      there.note(A);
    }
    assertThat(here.noted(A)).isTrue();
    assertThat(there.noted(A)).isTrue();
    assertThat(here.noted(B)).isFalse();
    here.endCollection();
    assertThat(here.noted(A)).isFalse();
  }

  private static CompletableFuture<Void> lockRepeatedly(
      Coordination coordination, List<Digest> in) {
    return CompletableFuture.runAsync(
        () -> {
          for (int i = 0; i < 200; i++) {
            try (Coordination.Held held = coordination.lock(in)) {
              Thread.onSpinWait();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        });
  }

  private static Digest digest(String name) {
    return Digest.sha256(name.getBytes(StandardCharsets.UTF_8));
  }
}
