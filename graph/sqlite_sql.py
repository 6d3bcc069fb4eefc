"""The embedded store's schema and upsert statements (SQL, used by :mod:`graph.sqlite_store`
only)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (k, v) VALUES ('schema_version', 1), ('generation', 0);
CREATE TABLE IF NOT EXISTS nodes (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    props TEXT NOT NULL,
    source TEXT NOT NULL,
    licence TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS nodes_kind ON nodes (kind, key);
CREATE INDEX IF NOT EXISTS nodes_name ON nodes (name_norm);
CREATE TABLE IF NOT EXISTS rels (
    key TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    start TEXT NOT NULL REFERENCES nodes (key) ON DELETE CASCADE,
    "end" TEXT NOT NULL REFERENCES nodes (key) ON DELETE CASCADE,
    props TEXT NOT NULL,
    source TEXT NOT NULL,
    licence TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rels_start ON rels (start, type);
CREATE INDEX IF NOT EXISTS rels_end ON rels ("end", type);
CREATE INDEX IF NOT EXISTS rels_type ON rels (type);
-- what each write touched, kept a few minutes: readers update their projection from it
CREATE TABLE IF NOT EXISTS writes (
    generation INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    nodes TEXT NOT NULL,
    rels TEXT NOT NULL,
    everything INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS writes_at ON writes (at);
CREATE TABLE IF NOT EXISTS review (
    key TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    data TEXT NOT NULL
);
-- the audit trail: one entry per committed write (graph.audit)
CREATE TABLE IF NOT EXISTS audit (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    data TEXT NOT NULL
);
"""

#: Records the writing transaction read as absent: a plain insert (an upsert costs twice
#: as much with the foreign keys checked, and a conflict here would be a bug: it fails).
INSERT_NODE = """
INSERT INTO nodes (key, kind, name, name_norm, props, source, licence, ingested_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_REL = """
INSERT INTO rels (key, type, start, "end", props, source, licence, ingested_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
UPSERT_NODE = """
INSERT INTO nodes (key, kind, name, name_norm, props, source, licence, ingested_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, name = excluded.name,
    name_norm = excluded.name_norm, props = excluded.props, source = excluded.source,
    licence = excluded.licence, ingested_at = excluded.ingested_at
"""
UPSERT_REL = """
INSERT INTO rels (key, type, start, "end", props, source, licence, ingested_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET type = excluded.type, start = excluded.start,
    "end" = excluded."end", props = excluded.props, source = excluded.source,
    licence = excluded.licence, ingested_at = excluded.ingested_at
"""
NODE_COLUMNS = "key, name, props, source, licence, ingested_at"
REL_COLUMNS = 'key, type, start, "end", props, source, licence, ingested_at'
