package dev.ociregistry.postgres;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.layout.StorageStatistics;
import dev.ociregistry.core.metadata.BlobRecord;
import dev.ociregistry.core.metadata.ManifestLink;
import dev.ociregistry.core.metadata.MetadataConflictException;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.metadata.UploadRecord;
import dev.ociregistry.core.model.Descriptor;
import dev.ociregistry.core.model.Pin;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * {@link RegistryMetadata} in PostgreSQL tables. Each write is one statement or one transaction; a
 * tag change takes a transaction-scoped advisory lock on the tag, so a check of where a tag points
 * and its move are one step for every replica. Times are the database's clock.
 *
 * <p>Safe for concurrent use, by any number of processes on one database.
 */
public final class PostgresMetadata implements RegistryMetadata, StorageStatistics.Source {
  private static final String NOW = "clock_timestamp()";
  private static final String REFRESH_MANIFEST_LINK =
      "UPDATE manifest_links SET last_referenced = " + NOW + " WHERE repository = ? AND digest = ?";

  private final Jdbc jdbc;
  private final PostgresStorageFigures figures;

  /**
   * Metadata in the database {@code pool} connects to, whose schema {@link PostgresStore} brought
   * up to date.
   *
   * @param pool the connections
   */
  public PostgresMetadata(DataSource pool) {
    this.jdbc = new Jdbc(pool);
    this.figures = new PostgresStorageFigures(jdbc);
  }

  /** {@inheritDoc} Counted by the database, so every replica's writes are in it. */
  @Override
  public StorageStatistics.Totals totals() throws IOException {
    return figures.totals();
  }

  /** {@inheritDoc} Counted by the database, so every replica's writes are in it. */
  @Override
  public StorageStatistics.Usage usage() throws IOException {
    return figures.usage();
  }

  @Override
  public boolean repositoryExists(RepositoryName repository) throws IOException {
    return jdbc.one(
            "SELECT EXISTS (SELECT 1 FROM tags WHERE repository = ?)"
                + " OR EXISTS (SELECT 1 FROM manifest_links WHERE repository = ?)"
                + " OR EXISTS (SELECT 1 FROM blob_links WHERE repository = ?)",
            row -> row.getBoolean(1),
            repository.value(),
            repository.value(),
            repository.value())
        .orElse(false);
  }

  @Override
  public List<RepositoryName> repositories() throws IOException {
    return repositoriesWhere("", new Object[0]);
  }

  @Override
  public List<RepositoryName> repositoriesUnder(RepositoryName namespace) throws IOException {
    String prefix = namespace.value() + "/";
    return repositoriesWhere(
        " WHERE left(repository, ?) = ?", new Object[] {prefix.length(), prefix});
  }

  private List<RepositoryName> repositoriesWhere(String where, Object[] parameters)
      throws IOException {
    Object[] three = new Object[parameters.length * 3];
    for (int i = 0; i < 3; i++) {
      System.arraycopy(parameters, 0, three, i * parameters.length, parameters.length);
    }
    List<String> names =
        new ArrayList<>(
            jdbc.list(
                "SELECT repository FROM tags"
                    + where
                    + " UNION SELECT repository FROM manifest_links"
                    + where
                    + " UNION SELECT repository FROM blob_links"
                    + where,
                row -> row.getString(1),
                three));
    names.sort(null);
    return names.stream().map(RepositoryName::parse).toList();
  }

  @Override
  public Optional<Digest> tag(RepositoryName repository, Tag tag) throws IOException {
    return jdbc.one(
        "SELECT digest FROM tags WHERE repository = ? AND tag = ?",
        row -> Digest.parse(row.getString(1)),
        repository.value(),
        tag.value());
  }

  @Override
  public Optional<Instant> tagChanged(RepositoryName repository, Tag tag) throws IOException {
    return jdbc.one(
        "SELECT changed FROM tags WHERE repository = ? AND tag = ?",
        row -> row.getTimestamp(1).toInstant(),
        repository.value(),
        tag.value());
  }

  @Override
  public Optional<Digest> setTag(
      RepositoryName repository, Tag tag, Descriptor manifest, boolean mayMove) throws IOException {
    return jdbc.inTransaction(
        connection -> {
          Optional<Digest> previous = lockedTag(connection, repository, tag);
          boolean moves = previous.isPresent() && !previous.get().equals(manifest.digest());
          if (moves && !mayMove) {
            throw new MetadataConflictException(
                "tag " + tag + " of " + repository + " names " + previous.get());
          }
          if (moves) {
            refreshManifestLink(connection, repository, previous.get());
          }
          Jdbc.update(
              connection,
              "INSERT INTO tags (repository, tag, digest, changed) VALUES (?, ?, ?, "
                  + NOW
                  + ") ON CONFLICT (repository, tag) DO UPDATE"
                  + " SET digest = EXCLUDED.digest, changed = EXCLUDED.changed",
              repository.value(),
              tag.value(),
              manifest.digest().toString());
          return previous;
        });
  }

  @Override
  public boolean deleteTag(RepositoryName repository, Tag tag, Optional<Digest> onlyIf)
      throws IOException {
    return jdbc.inTransaction(
        connection -> {
          Optional<Digest> previous = lockedTag(connection, repository, tag);
          if (previous.isEmpty() || (onlyIf.isPresent() && !onlyIf.equals(previous))) {
            return false;
          }
          refreshManifestLink(connection, repository, previous.get());
          return Jdbc.update(
                  connection,
                  "DELETE FROM tags WHERE repository = ? AND tag = ?",
                  repository.value(),
                  tag.value())
              > 0;
        });
  }

  /** Where the tag points, holding the tag's lock until the transaction ends. */
  private static Optional<Digest> lockedTag(
      Connection connection, RepositoryName repository, Tag tag) throws SQLException {
    Jdbc.list(
        connection,
        "SELECT pg_advisory_xact_lock(?)",
        row -> null,
        AdvisoryKeys.of(("tag " + repository + ":" + tag).getBytes(StandardCharsets.UTF_8)));
    return Jdbc.one(
        connection,
        "SELECT digest FROM tags WHERE repository = ? AND tag = ?",
        row -> Digest.parse(row.getString(1)),
        repository.value(),
        tag.value());
  }

  @Override
  public List<Tag> tags(RepositoryName repository) throws IOException {
    return jdbc.list(
        "SELECT tag FROM tags WHERE repository = ?",
        row -> Tag.parse(row.getString(1)),
        repository.value());
  }

  @Override
  public Optional<ManifestLink> manifestLink(RepositoryName repository, Digest digest)
      throws IOException {
    return jdbc.one(
        "SELECT media_type, last_referenced FROM manifest_links"
            + " WHERE repository = ? AND digest = ?",
        row -> new ManifestLink(digest, row.getString(1), row.getTimestamp(2).toInstant()),
        repository.value(),
        digest.toString());
  }

  @Override
  public boolean linkManifest(RepositoryName repository, Digest digest, String mediaType)
      throws IOException {
    return jdbc.one(
            "INSERT INTO manifest_links (repository, digest, media_type, last_referenced)"
                + " VALUES (?, ?, ?, "
                + NOW
                + ") ON CONFLICT (repository, digest) DO UPDATE"
                + " SET media_type = EXCLUDED.media_type,"
                + " last_referenced = EXCLUDED.last_referenced"
                + " RETURNING (xmax = 0)",
            row -> row.getBoolean(1),
            repository.value(),
            digest.toString(),
            mediaType)
        .orElse(false);
  }

  @Override
  public boolean unlinkManifest(RepositoryName repository, Digest digest) throws IOException {
    return jdbc.update(
            "DELETE FROM manifest_links WHERE repository = ? AND digest = ?",
            repository.value(),
            digest.toString())
        > 0;
  }

  @Override
  public boolean refreshManifestLink(RepositoryName repository, Digest digest) throws IOException {
    return jdbc.update(REFRESH_MANIFEST_LINK, repository.value(), digest.toString()) > 0;
  }

  private static void refreshManifestLink(
      Connection connection, RepositoryName repository, Digest digest) throws SQLException {
    Jdbc.update(connection, REFRESH_MANIFEST_LINK, repository.value(), digest.toString());
  }

  @Override
  public List<Digest> manifestLinks(RepositoryName repository) throws IOException {
    return jdbc.list(
        "SELECT digest FROM manifest_links WHERE repository = ?",
        row -> Digest.parse(row.getString(1)),
        repository.value());
  }

  @Override
  public void linkReferrer(RepositoryName repository, Digest subject, Digest referrer)
      throws IOException {
    jdbc.update(
        "INSERT INTO referrers (repository, subject, referrer) VALUES (?, ?, ?)"
            + " ON CONFLICT DO NOTHING",
        repository.value(),
        subject.toString(),
        referrer.toString());
  }

  @Override
  public void unlinkReferrer(RepositoryName repository, Digest subject, Digest referrer)
      throws IOException {
    jdbc.update(
        "DELETE FROM referrers WHERE repository = ? AND subject = ? AND referrer = ?",
        repository.value(),
        subject.toString(),
        referrer.toString());
  }

  @Override
  public List<Digest> referrers(RepositoryName repository, Digest subject) throws IOException {
    return jdbc.list(
        "SELECT referrer FROM referrers WHERE repository = ? AND subject = ?",
        row -> Digest.parse(row.getString(1)),
        repository.value(),
        subject.toString());
  }

  @Override
  public boolean blobLinked(RepositoryName repository, Digest digest) throws IOException {
    return jdbc.one(
            "SELECT 1 FROM blob_links WHERE repository = ? AND digest = ?",
            row -> true,
            repository.value(),
            digest.toString())
        .isPresent();
  }

  @Override
  public boolean linkBlob(RepositoryName repository, Digest digest) throws IOException {
    return jdbc.update(
            "INSERT INTO blob_links (repository, digest) VALUES (?, ?) ON CONFLICT DO NOTHING",
            repository.value(),
            digest.toString())
        > 0;
  }

  @Override
  public boolean unlinkBlob(RepositoryName repository, Digest digest) throws IOException {
    return jdbc.update(
            "DELETE FROM blob_links WHERE repository = ? AND digest = ?",
            repository.value(),
            digest.toString())
        > 0;
  }

  @Override
  public List<Digest> blobLinks(RepositoryName repository) throws IOException {
    return jdbc.list(
        "SELECT digest FROM blob_links WHERE repository = ?",
        row -> Digest.parse(row.getString(1)),
        repository.value());
  }

  @Override
  public Optional<BlobRecord> blob(Digest digest) throws IOException {
    return jdbc.one(
        "SELECT size, location, last_referenced FROM blobs WHERE digest = ?",
        row ->
            new BlobRecord(
                digest, row.getLong(1), row.getString(2), row.getTimestamp(3).toInstant()),
        digest.toString());
  }

  @Override
  public boolean refreshBlob(Digest digest) throws IOException {
    return jdbc.update(
            "UPDATE blobs SET last_referenced = " + NOW + " WHERE digest = ?", digest.toString())
        > 0;
  }

  @Override
  public void recordBlob(Digest digest, long size, String location) throws IOException {
    jdbc.update(
        "INSERT INTO blobs (digest, size, location, last_referenced) VALUES (?, ?, ?, "
            + NOW
            + ") ON CONFLICT (digest) DO UPDATE SET size = EXCLUDED.size,"
            + " location = EXCLUDED.location, last_referenced = EXCLUDED.last_referenced",
        digest.toString(),
        size,
        location);
  }

  @Override
  public void forgetBlob(Digest digest) throws IOException {
    jdbc.update("DELETE FROM blobs WHERE digest = ?", digest.toString());
  }

  @Override
  public boolean recordsLocation(String location) throws IOException {
    return jdbc.one("SELECT 1 FROM blobs WHERE location = ? LIMIT 1", row -> true, location)
        .isPresent();
  }

  @Override
  public Stream<Digest> blobs() throws IOException {
    return jdbc.list("SELECT digest FROM blobs", row -> Digest.parse(row.getString(1))).stream();
  }

  @Override
  public Optional<Pin> pin(String id) throws IOException {
    return jdbc.one(
        "SELECT repository, digest FROM pins WHERE id = ?",
        row -> new Pin(id, RepositoryName.parse(row.getString(1)), Digest.parse(row.getString(2))),
        id);
  }

  @Override
  public void putPin(Pin pin) throws IOException {
    jdbc.update(
        "INSERT INTO pins (id, repository, digest) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE"
            + " SET repository = EXCLUDED.repository, digest = EXCLUDED.digest",
        pin.id(),
        pin.repository().value(),
        pin.digest().toString());
  }

  @Override
  public boolean deletePin(String id) throws IOException {
    return jdbc.update("DELETE FROM pins WHERE id = ?", id) > 0;
  }

  @Override
  public List<Pin> pins() throws IOException {
    List<Pin> pins =
        new ArrayList<>(
            jdbc.list(
                "SELECT id, repository, digest FROM pins",
                row ->
                    new Pin(
                        row.getString(1),
                        RepositoryName.parse(row.getString(2)),
                        Digest.parse(row.getString(3)))));
    pins.sort((a, b) -> a.id().compareTo(b.id()));
    return pins;
  }

  @Override
  public void markSweep(boolean marked) throws IOException {
    if (marked) {
      jdbc.update("INSERT INTO sweep_mark (marked) VALUES (true) ON CONFLICT DO NOTHING");
    } else {
      jdbc.update("DELETE FROM sweep_mark");
    }
  }

  @Override
  public boolean sweepMarked() throws IOException {
    return jdbc.one("SELECT 1 FROM sweep_mark", row -> true).isPresent();
  }

  @Override
  public void createUpload(String id, RepositoryName repository, byte[] state) throws IOException {
    jdbc.update(
        "INSERT INTO uploads (id, repository, state, last_activity) VALUES (?, ?, ?, " + NOW + ")",
        id,
        repository.value(),
        state);
  }

  @Override
  public Optional<UploadRecord> upload(String id) throws IOException {
    return jdbc.one(
        "SELECT repository, last_activity, state FROM uploads WHERE id = ?",
        row ->
            new UploadRecord(
                id,
                RepositoryName.parse(row.getString(1)),
                row.getTimestamp(2).toInstant(),
                row.getBytes(3)),
        id);
  }

  @Override
  public void updateUpload(String id, byte[] state) throws IOException {
    jdbc.update(
        "UPDATE uploads SET state = ?, last_activity = " + NOW + " WHERE id = ?", state, id);
  }

  @Override
  public void deleteUpload(String id) throws IOException {
    jdbc.update("DELETE FROM uploads WHERE id = ?", id);
  }

  @Override
  public List<String> uploads() throws IOException {
    return jdbc.list("SELECT id FROM uploads", row -> row.getString(1));
  }
}
