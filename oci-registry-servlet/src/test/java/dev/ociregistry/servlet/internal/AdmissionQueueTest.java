package dev.ociregistry.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shares of a bounded resource, taken in arrival order, with a bounded wait and a bounded line. */
class AdmissionQueueTest {
  @Test
  void sharesAreTakenUpToTheCapacityAndGivenBack() {
    AdmissionQueue queue = new AdmissionQueue(10, 4, Duration.ZERO);

    assertThat(queue.admit(6)).isTrue();
    assertThat(queue.admit(4)).isTrue();
    assertThat(queue.inUse()).isEqualTo(10);
    assertThat(queue.admit(1)).isFalse();
    queue.release(4);
    assertThat(queue.inUse()).isEqualTo(6);
    assertThat(queue.admit(4)).isTrue();
  }

  @Test
  void aShareLargerThanEverythingTakesEverything() {
    AdmissionQueue queue = new AdmissionQueue(10, 4, Duration.ZERO);

    assertThat(queue.admit(1000)).isTrue();
    assertThat(queue.inUse()).isEqualTo(10);
    queue.release(1000);
    assertThat(queue.inUse()).isZero();
  }

  @Test
  void aWaitingRequestGetsItsShareWhenOneIsGivenBack() throws Exception {
    AdmissionQueue queue = new AdmissionQueue(1, 4, Duration.ofSeconds(30));
    assertThat(queue.admit(1)).isTrue();

    CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> queue.admit(1));
    queue.release(1);

    assertThat(waiting.get(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aFullLineIsRefusedAtOnceAndAWaitThatRunsOutIsRefused() throws Exception {
    AdmissionQueue queue = new AdmissionQueue(1, 1, Duration.ofMillis(300));
    assertThat(queue.admit(1)).isTrue();
    CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> queue.admit(1));
    dev.ociregistry.testkit.Await.until(
        "one request waits", () -> queue.capacity() == 1 && !waiting.isDone() && waitingNow(queue));

    long started = System.nanoTime();
    assertThat(queue.admit(1)).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(250));
    assertThat(waiting.get(30, TimeUnit.SECONDS)).isFalse();
    assertThat(queue.maxWait()).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void anInterruptedWaitIsRefusedAndKeepsTheInterrupt() {
    AdmissionQueue queue = new AdmissionQueue(1, 4, Duration.ofSeconds(30));
    assertThat(queue.admit(1)).isTrue();

    Thread.currentThread().interrupt();
    assertThat(queue.admit(1)).isFalse();
    assertThat(Thread.interrupted()).isTrue();
  }

  private static boolean waitingNow(AdmissionQueue queue) {
    return queue.waiting() == 1;
  }
}
