-- The content store's repair asks whether a record names a location.
CREATE INDEX blobs_location ON blobs (location);
