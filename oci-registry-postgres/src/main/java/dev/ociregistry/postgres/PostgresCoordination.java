package dev.ociregistry.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.metadata.Coordination;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.Deque;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.sql.DataSource;

/**
 * {@link Coordination} for every replica on one database. A digest's lock is a session advisory
 * lock, held on a connection of a pool of its own for as long as the caller holds it (so that
 * holders never wait for a connection that other holders keep; one connection per thread, which
 * takes its own locks again) and taken in ascending key order, the one order every replica uses. A
 * collection is a row of {@code collections}; notes are rows of {@code collection_notes}, written
 * while any collection runs anywhere and cleared when none does.
 */
public final class PostgresCoordination implements Coordination {
  /** A collection row older than this was left by a replica that died mid-run. */
  private static final String ABANDONED = "interval '7 days'";

  /** How often a lock another holder keeps is tried again. */
  private static final Duration TRY_INTERVAL = Duration.ofMillis(10);

  private final HikariDataSource lockPool;
  private final Jdbc jdbc;
  private final Deque<UUID> collections = new ConcurrentLinkedDeque<>();
  private final ThreadLocal<ThreadLocks> held = ThreadLocal.withInitial(ThreadLocks::new);

  /**
   * Coordination through {@code lockPool} (locks) and {@code pool} (notes).
   *
   * @param lockPool connections that hold locks, none of them used for anything else
   * @param pool connections for the collection's rows
   */
  public PostgresCoordination(HikariDataSource lockPool, DataSource pool) {
    this.lockPool = lockPool;
    this.jdbc = new Jdbc(pool);
  }

  @Override
  public Held lock(Collection<Digest> digests) throws IOException {
    long[] keys = digests.stream().mapToLong(AdvisoryKeys::of).distinct().sorted().toArray();
    ThreadLocks mine = take();
    int taken = 0;
    try {
      for (long key : keys) {
        Jdbc.list(mine.connection, "SELECT pg_advisory_lock(?)", row -> null, key);
        taken++;
      }
    } catch (SQLException e) {
      release(mine, keys, taken);
      throw Jdbc.failed("taking locks", e);
    } catch (RuntimeException e) {
      release(mine, keys, taken);
      throw e;
    }
    return () -> release(mine, keys, keys.length);
  }

  @Override
  public Optional<Held> tryLockUpload(String id, Duration wait) throws IOException {
    return tryLock("upload " + id, wait);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Held on the collecting thread's lock connection for the whole run, which the run's digest
   * locks use too.
   */
  @Override
  public Optional<Held> tryCollectorLease(Duration wait) throws IOException {
    return tryLock("collector", wait);
  }

  private Optional<Held> tryLock(String name, Duration wait) throws IOException {
    long key = AdvisoryKeys.of(name.getBytes(StandardCharsets.UTF_8));
    long[] keys = {key};
    ThreadLocks mine = take();
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      while (true) {
        boolean locked =
            Jdbc.one(
                    mine.connection,
                    "SELECT pg_try_advisory_lock(?)",
                    row -> row.getBoolean(1),
                    key)
                .orElse(false);
        if (locked) {
          return Optional.of(() -> release(mine, keys, 1));
        }
        if (System.nanoTime() - deadline >= 0) {
          release(mine, keys, 0);
          return Optional.empty();
        }
        Thread.sleep(TRY_INTERVAL.toMillis());
      }
    } catch (SQLException e) {
      release(mine, keys, 0);
      throw Jdbc.failed("trying a lock", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      release(mine, keys, 0);
      return Optional.empty();
    } catch (RuntimeException e) {
      release(mine, keys, 0);
      throw e;
    }
  }

  /** The thread's lock connection, taken from the pool by its first lock. */
  private ThreadLocks take() throws IOException {
    ThreadLocks mine = held.get();
    if (mine.depth == 0) {
      try {
        mine.connection = lockPool.getConnection();
      } catch (SQLException e) {
        throw Jdbc.failed("a lock's connection", e);
      }
    }
    mine.depth++;
    return mine;
  }

  /**
   * Unlocks; the thread's last release returns the connection. A connection that fails to unlock is
   * evicted, which ends its session, and the server drops the session's locks with it.
   */
  private void release(ThreadLocks mine, long[] keys, int count) {
    Connection connection = mine.connection;
    try {
      for (int i = count - 1; i >= 0; i--) {
        Jdbc.list(connection, "SELECT pg_advisory_unlock(?)", row -> null, keys[i]);
      }
    } catch (SQLException | RuntimeException e) {
      mine.broken = true;
    } finally {
      if (--mine.depth == 0) {
        mine.connection = null;
        if (mine.broken) {
          lockPool.evictConnection(connection);
          mine.broken = false;
        }
        try {
          connection.close();
        } catch (SQLException e) {
          lockPool.evictConnection(connection);
        }
      }
    }
  }

  /**
   * The locks a thread holds: one connection for all of them, so that a thread that holds a
   * digest's lock and takes it again (a manifest push checks each blob it holds) finds it its own;
   * PostgreSQL counts a session's advisory locks, so each release undoes one take.
   */
  private static final class ThreadLocks {
    private Connection connection;
    private int depth;
    private boolean broken;
  }

  @Override
  public void beginCollection() throws IOException {
    UUID id = UUID.randomUUID();
    jdbc.update("DELETE FROM collections WHERE started < now() - " + ABANDONED);
    jdbc.update("INSERT INTO collections (id, started) VALUES (?, now())", id);
    collections.push(id);
  }

  @Override
  public void endCollection() throws IOException {
    UUID id = collections.poll();
    if (id == null) {
      return;
    }
    jdbc.inTransaction(
        connection -> {
          Jdbc.update(connection, "DELETE FROM collections WHERE id = ?", id);
          Jdbc.update(
              connection,
              "DELETE FROM collection_notes WHERE NOT EXISTS (SELECT 1 FROM collections)");
          return null;
        });
  }

  @Override
  public void note(Digest digest) throws IOException {
    jdbc.update(
        "INSERT INTO collection_notes (digest) SELECT ? WHERE EXISTS (SELECT 1 FROM collections)"
            + " ON CONFLICT DO NOTHING",
        digest.toString());
  }

  @Override
  public boolean noted(Digest digest) throws IOException {
    return jdbc.one(
            "SELECT 1 FROM collection_notes WHERE digest = ?", row -> true, digest.toString())
        .isPresent();
  }
}
