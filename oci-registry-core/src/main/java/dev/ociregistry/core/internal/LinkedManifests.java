package dev.ociregistry.core.internal;

import dev.ociregistry.core.content.BlobContent;
import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.metadata.BlobRecord;
import dev.ociregistry.core.metadata.ManifestLink;
import dev.ociregistry.core.metadata.RegistryMetadata;
import dev.ociregistry.core.model.ManifestDocument;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.StoredManifest;
import dev.ociregistry.core.storage.ObjectTooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

/**
 * Reads a manifest linked in a repository: the media type its link records and the bytes its blob
 * holds. The one place that knows this, for the manifest store and for pins, which are built before
 * the store and must not depend on it.
 */
public final class LinkedManifests {
  private final RegistryMetadata metadata;
  private final BlobContent content;
  private final int maxManifestBytes;

  public LinkedManifests(RegistryMetadata metadata, BlobContent content, int maxManifestBytes) {
    this.metadata = metadata;
    this.content = content;
    this.maxManifestBytes = maxManifestBytes;
  }

  /** The media type the link of {@code digest} in {@code repository} records, if linked. */
  public Optional<String> mediaType(RepositoryName repository, Digest digest) throws IOException {
    return metadata.manifestLink(repository, digest).map(ManifestLink::mediaType);
  }

  /**
   * The manifest, if {@code repository} links it and its content is stored.
   *
   * @throws ObjectTooLargeException when the stored content is larger than a manifest may be
   */
  public Optional<StoredManifest> read(RepositoryName repository, Digest digest)
      throws IOException {
    Optional<String> mediaType = mediaType(repository, digest);
    if (mediaType.isEmpty()) {
      return Optional.empty();
    }
    Optional<BlobRecord> record = metadata.blob(digest);
    if (record.isEmpty()) {
      return Optional.empty();
    }
    if (record.get().size() > maxManifestBytes) {
      throw new ObjectTooLargeException(record.get().location(), maxManifestBytes);
    }
    byte[] bytes;
    try (SeekableByteChannel channel = content.open(record.get().location());
        InputStream in = Channels.newInputStream(channel)) {
      bytes = in.readNBytes(maxManifestBytes + 1);
    } catch (dev.ociregistry.core.content.BlobNotFoundException e) {
      return Optional.empty();
    }
    if (bytes.length > maxManifestBytes) {
      throw new ObjectTooLargeException(record.get().location(), maxManifestBytes);
    }
    return Optional.of(new StoredManifest(digest, mediaType.get(), bytes.length, bytes));
  }

  /** The parsed manifest, if {@code repository} links it and its content is stored. */
  public Optional<ManifestDocument> document(RepositoryName repository, Digest digest)
      throws IOException {
    return read(repository, digest)
        .map(manifest -> ManifestParser.parse(manifest.content(), manifest.mediaType()));
  }
}
