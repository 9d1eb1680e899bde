package dev.ociregistry.core.internal;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.ManifestDocument;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.StoredManifest;
import dev.ociregistry.core.storage.StorageDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads a manifest linked in a repository straight from storage: the media type its link records
 * and the bytes its blob holds. The one place that knows this, for the manifest store and for pins,
 * which are built before the store and must not depend on it.
 */
public final class LinkedManifests {
  private static final int MAX_MEDIA_TYPE_BYTES = 1024;

  private final StorageDriver storage;
  private final int maxManifestBytes;

  public LinkedManifests(StorageDriver storage, int maxManifestBytes) {
    this.storage = storage;
    this.maxManifestBytes = maxManifestBytes;
  }

  /** The media type of manifest {@code digest} when it is linked in {@code repository}. */
  public Optional<String> mediaType(RepositoryName repository, Digest digest) throws IOException {
    return storage
        .readSmall(LayoutKeys.manifestLink(repository, digest), MAX_MEDIA_TYPE_BYTES)
        .map(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }

  /** Manifest {@code digest} with its bytes, when it is linked in {@code repository}. */
  public Optional<StoredManifest> read(RepositoryName repository, Digest digest)
      throws IOException {
    Optional<String> mediaType = mediaType(repository, digest);
    if (mediaType.isEmpty()) {
      return Optional.empty();
    }
    return storage
        .readSmall(LayoutKeys.blob(digest), maxManifestBytes)
        .map(bytes -> new StoredManifest(digest, mediaType.get(), bytes.length, bytes));
  }

  /** Manifest {@code digest} parsed, when it is linked in {@code repository}. */
  public Optional<ManifestDocument> document(RepositoryName repository, Digest digest)
      throws IOException {
    return read(repository, digest)
        .map(manifest -> ManifestParser.parse(manifest.content(), manifest.mediaType()));
  }
}
