package dev.ociregistry.servlet.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/** Runs something when a request that went asynchronous has been answered. */
public final class AsyncCompletion {
  private AsyncCompletion() {}

  /** Runs {@code action} once {@code async} completes (answered, timed out or failed). */
  public static void whenComplete(AsyncContext async, Runnable action) {
    async.addListener(
        new AsyncListener() {
          @Override
          public void onComplete(AsyncEvent event) {
            action.run();
          }

          @Override
          public void onTimeout(AsyncEvent event) {}

          @Override
          public void onError(AsyncEvent event) {}

          @Override
          public void onStartAsync(AsyncEvent event) {}
        });
  }
}
