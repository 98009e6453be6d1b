-- Guide search (办事指南): the terms of each published version, one row per field (name, codes, department,
-- the eight disclosures, material names). Chinese has no spaces, so terms are character bigrams plus single
-- characters, and other letters and digits as whole words (docs/adr/0009-guide-search-bigrams.md). The
-- service writes the rows in the transaction that publishes a version and deletes them in the one that
-- retires it; only published versions are here. Tokenising happens in the service (one tokeniser, in
-- TypeScript), so this migration does not backfill: ItemService.refreshGuideIndex() at start-up indexes
-- published versions that predate this table.
CREATE TABLE item_search_fields (
  item_id       text NOT NULL,
  version       integer NOT NULL,
  field         text NOT NULL CHECK (field IN ('name', 'code', 'department', 'duties', 'legal_basis', 'conditions',
                                               'procedure', 'limits', 'commitment', 'fees', 'result', 'materials')),
  weight        real NOT NULL CHECK (weight > 0),
  -- The field's text folded (NFKC, lower case), for exact-phrase matching.
  text          text NOT NULL,
  -- Distinct terms of `text`.
  terms         text[] NOT NULL,
  -- Copied from the version and its department, so that filters need no join.
  department_id text NOT NULL REFERENCES departments (id),
  hall_id       text NOT NULL REFERENCES halls (id),
  accept_tiers  text[] NOT NULL,
  PRIMARY KEY (item_id, version, field),
  FOREIGN KEY (item_id, version) REFERENCES item_versions (item_id, version)
);
-- Core PostgreSQL array operators (&&, @>) over the default GIN opclass: no extension, works in PGlite too.
CREATE INDEX item_search_fields_terms ON item_search_fields USING gin (terms);
