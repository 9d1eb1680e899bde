-- Small documents an application keeps beside the registry (the controller's recipes and jobs),
-- shared by its replicas. A version per document makes a replace conditional.
CREATE TABLE documents (
  directory text NOT NULL,
  name text NOT NULL,
  content bytea NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (directory, name)
);
