-- Every record of the registry but blob content. Times are the database's clock, one clock for
-- every replica.
CREATE TABLE tags (
  repository text NOT NULL,
  tag text NOT NULL,
  digest text NOT NULL,
  changed timestamptz NOT NULL,
  PRIMARY KEY (repository, tag)
);
CREATE TABLE manifest_links (
  repository text NOT NULL,
  digest text NOT NULL,
  media_type text NOT NULL,
  last_referenced timestamptz NOT NULL,
  PRIMARY KEY (repository, digest)
);
CREATE TABLE referrers (
  repository text NOT NULL,
  subject text NOT NULL,
  referrer text NOT NULL,
  PRIMARY KEY (repository, subject, referrer)
);
CREATE TABLE blob_links (
  repository text NOT NULL,
  digest text NOT NULL,
  PRIMARY KEY (repository, digest)
);
CREATE TABLE blobs (
  digest text PRIMARY KEY,
  size bigint NOT NULL,
  location text NOT NULL,
  last_referenced timestamptz NOT NULL
);
CREATE TABLE pins (
  id text PRIMARY KEY,
  repository text NOT NULL,
  digest text NOT NULL
);
CREATE TABLE uploads (
  id text PRIMARY KEY,
  repository text NOT NULL,
  state bytea NOT NULL,
  last_activity timestamptz NOT NULL
);
-- A row while a collection is deleting blobs and then their links.
CREATE TABLE sweep_mark (
  marked boolean PRIMARY KEY DEFAULT true CHECK (marked)
);
-- The collections running in the cluster, and what pushes, pins, mounts and HEADs noted meanwhile.
CREATE TABLE collections (
  id uuid PRIMARY KEY,
  started timestamptz NOT NULL
);
CREATE TABLE collection_notes (
  digest text PRIMARY KEY
);
