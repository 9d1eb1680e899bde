package dev.ociregistry.core.internal;

import dev.ociregistry.core.digest.Digest;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.core.model.Tag;

/**
 * Where each thing lives in the storage root. Every key is built from validated values only, so no
 * key can leave the root. Directories a repository keeps for itself start with {@code _}, which no
 * repository name component can start with.
 *
 * <pre>
 * oci-layout, index.json
 * blobs/&lt;alg&gt;/&lt;hex&gt;                                   content, shared by all repositories
 * repositories/&lt;name&gt;/_refs/&lt;tag&gt;                       the digest a tag points at
 * repositories/&lt;name&gt;/_manifests/&lt;alg&gt;/&lt;hex&gt;           manifest link; content: its media type
 * repositories/&lt;name&gt;/_blobs/&lt;alg&gt;/&lt;hex&gt;               blob link (empty)
 * repositories/&lt;name&gt;/_referrers/&lt;alg&gt;/&lt;hex&gt;/&lt;alg&gt;-&lt;hex&gt; subject to referrer link (empty)
 * uploads/&lt;id&gt;/data, uploads/&lt;id&gt;/state                uploads in progress
 * pins/&lt;id&gt;                                           digests the host keeps alive
 * quarantine/&lt;alg&gt;/&lt;hex&gt;                             blobs whose content did not match their name
 * sweep-in-progress                                    a collection is deleting blobs, then their links
 * </pre>
 */
public final class LayoutKeys {
  public static final String OCI_LAYOUT = "oci-layout";
  public static final String INDEX = "index.json";
  public static final String BLOBS = "blobs";
  public static final String REPOSITORIES = "repositories";
  public static final String UPLOADS = "uploads";
  public static final String PINS = "pins";
  public static final String QUARANTINE = "quarantine";

  /** Present while a collection deletes blobs and then their links; see {@code DanglingLinks}. */
  public static final String SWEEP_MARKER = "sweep-in-progress";

  public static final String REFS = "_refs";
  public static final String MANIFESTS = "_manifests";
  public static final String BLOB_LINKS = "_blobs";
  static final String REFERRERS = "_referrers";

  private LayoutKeys() {}

  public static String blob(Digest digest) {
    return BLOBS + "/" + digest.algorithm().id() + "/" + digest.hex();
  }

  public static String blobDirectory(String algorithmId) {
    return BLOBS + "/" + algorithmId;
  }

  public static String repository(RepositoryName name) {
    return REPOSITORIES + "/" + name.value();
  }

  public static String tags(RepositoryName name) {
    return repository(name) + "/" + REFS;
  }

  public static String tag(RepositoryName name, Tag tag) {
    return tags(name) + "/" + tag.value();
  }

  public static String manifestLinks(RepositoryName name, String algorithmId) {
    return repository(name) + "/" + MANIFESTS + "/" + algorithmId;
  }

  public static String manifestLink(RepositoryName name, Digest digest) {
    return manifestLinks(name, digest.algorithm().id()) + "/" + digest.hex();
  }

  public static String blobLinks(RepositoryName name, String algorithmId) {
    return repository(name) + "/" + BLOB_LINKS + "/" + algorithmId;
  }

  public static String blobLink(RepositoryName name, Digest digest) {
    return blobLinks(name, digest.algorithm().id()) + "/" + digest.hex();
  }

  public static String referrers(RepositoryName name, Digest subject) {
    return repository(name)
        + "/"
        + REFERRERS
        + "/"
        + subject.algorithm().id()
        + "/"
        + subject.hex();
  }

  public static String referrerLink(RepositoryName name, Digest subject, Digest referrer) {
    return referrers(name, subject) + "/" + referrer.algorithm().id() + "-" + referrer.hex();
  }

  public static String upload(String id) {
    return UPLOADS + "/" + id;
  }

  public static String uploadData(String id) {
    return upload(id) + "/data";
  }

  public static String uploadState(String id) {
    return upload(id) + "/state";
  }

  /** Where a blob whose content does not match its digest is moved, out of every reader's way. */
  public static String quarantined(Digest digest) {
    return QUARANTINE + "/" + digest.algorithm().id() + "/" + digest.hex();
  }

  public static String pin(String id) {
    return PINS + "/" + id;
  }
}
