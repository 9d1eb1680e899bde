/**
 * Opens the registry on what the configuration names: the filesystem alone, or PostgreSQL metadata
 * shared by replicas with content in a shared directory or an S3 bucket.
 */
package dev.ociregistry.controller.backend;
