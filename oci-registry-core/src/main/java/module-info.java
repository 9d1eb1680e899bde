/**
 * The embeddable OCI registry engine, on the JDK alone. What an application uses is exported: the
 * registry and its options ({@code dev.ociregistry.core}), errors, value types (digests, names,
 * tags, references, descriptors), the storage, blob content and metadata SPIs with their filesystem
 * implementations, and the stores, collection, retention, scrub and uploads the registry hands out.
 * How the storage layout is kept ({@code dev.ociregistry.core.internal}) and the JSON reader
 * ({@code dev.ociregistry.core.json}) are not: they change without notice.
 */
module dev.ociregistry.core {
  exports dev.ociregistry.core;
  exports dev.ociregistry.core.error;
  exports dev.ociregistry.core.digest;
  exports dev.ociregistry.core.model;
  exports dev.ociregistry.core.storage;
  exports dev.ociregistry.core.content;
  exports dev.ociregistry.core.metadata;
  exports dev.ociregistry.core.filesystem;
  exports dev.ociregistry.core.layout;
  exports dev.ociregistry.core.manifest;
  exports dev.ociregistry.core.upload;
  exports dev.ociregistry.core.gc;
  exports dev.ociregistry.core.integrity;
  exports dev.ociregistry.core.retention;
}
