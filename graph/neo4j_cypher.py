"""Every Cypher statement of the project, as named constants (used only by
:mod:`graph.neo4j_store`).

Labels and relationship types are filled in only from the :class:`~graph.model.NodeKind`
and :class:`~graph.model.RelType` whitelists; every value travels as a parameter.
"""

from __future__ import annotations

import hashlib

from graph.model import NodeKind, RelType

# -- schema ----------------------------------------------------------------------------
CREATE_NODE_KEY_CONSTRAINT = (
    "CREATE CONSTRAINT {label}_key IF NOT EXISTS FOR (n:{label}) REQUIRE n.key IS UNIQUE")
#: A range index on ``name_norm`` served no query (the name search is a ``CONTAINS``, which
#: a range index cannot answer) and every node write kept it: stores made before drop it.
DROP_NODE_NAME_INDEX = "DROP INDEX {label}_name IF EXISTS"
CREATE_REL_KEY_INDEX = (
    "CREATE INDEX {type}_key IF NOT EXISTS FOR ()-[r:{type}]-() ON (r.key)")
CREATE_WRITE_AT_INDEX = "CREATE INDEX MaillageWrite_at IF NOT EXISTS FOR (n:MaillageWrite) ON (n.at)"
CREATE_META_CONSTRAINT = (
    "CREATE CONSTRAINT MaillageMeta_key IF NOT EXISTS FOR (n:MaillageMeta) REQUIRE n.key IS UNIQUE")

# -- writes ----------------------------------------------------------------------------
# CREATE, not MERGE: with the key constraint, a concurrent create of the same key fails
CREATE_NODE = "CREATE (n:{label}) SET n = $props"
# Writes find nodes by `key IN $keys` (an index seek on any Bolt server), never by a key
# taken from an UNWIND row: ArcadeDB, the test server, then scans the whole label for each
# row (1,000 communes among 8,000 took 5–7 s; 0.2 s this way). Relations are tied by the
# element ids read so.
NODE_IDS = "MATCH (n:{label}) WHERE n.key IN $keys RETURN n.key AS key, elementId(n) AS id"
CREATE_NODES = ("UNWIND $rows AS row CREATE (n:{label}) SET n = row.props "
                "RETURN n.key AS key, elementId(n) AS id")
UPDATE_NODES = "MATCH (n:{label}) WHERE n.key IN $keys SET n = $props[n.key]"
MERGE_RELS = (
    "UNWIND $rows AS row "
    "MATCH (a) WHERE elementId(a) = row.start "
    "MATCH (b) WHERE elementId(b) = row.end "
    "MERGE (a)-[r:{type} {{key: row.props.key}}]->(b) "
    "SET r = row.props RETURN count(r) AS c")
CREATE_RELS = (
    "UNWIND $rows AS row "
    "MATCH (a) WHERE elementId(a) = row.start "
    "MATCH (b) WHERE elementId(b) = row.end "
    "CREATE (a)-[r:{type}]->(b) SET r = row.props RETURN count(r) AS c")
# One new node per write transaction, never one shared counter (no hot node; the count only
# grows), logging what the write touched for readers to update their projection from.
BUMP_GENERATION = ("CREATE (:MaillageWrite {id: $id, at: timestamp(), nodes: $nodes, "
                   "rels: $rels, everything: $everything})")
DELETE_NODE = (
    "MATCH (n:{label} {{key: $key}}) WITH n, n.key AS k DETACH DELETE n RETURN count(k) AS c")
DELETE_REL = (
    "MATCH ()-[r:{type} {{key: $key}}]->() WITH r, r.key AS k DELETE r RETURN count(k) AS c")
CLEAR = "MATCH (n) WHERE n.kind IS NOT NULL DETACH DELETE n"
CLEAR_REVIEW = "MATCH (n:ReviewItem) DELETE n"
CREATE_REVIEW_CONSTRAINT = (
    "CREATE CONSTRAINT ReviewItem_key IF NOT EXISTS FOR (n:ReviewItem) REQUIRE n.key IS UNIQUE")
MERGE_REVIEW = (
    "UNWIND $rows AS row MERGE (n:ReviewItem {key: row.key}) "
    "SET n.status = row.status, n.data = row.data")
DELETE_REVIEW = "UNWIND $keys AS k MATCH (n:ReviewItem {key: k}) DELETE n"
LIST_REVIEW = (
    "MATCH (n:ReviewItem) WHERE $status IS NULL OR n.status = $status "
    "RETURN n.data AS data ORDER BY n.key")
# the audit trail (graph.audit): no ``kind``, so neither exports nor ``clear`` see it
CREATE_AUDIT_CONSTRAINT = (
    "CREATE CONSTRAINT MaillageAudit_id IF NOT EXISTS FOR (n:MaillageAudit) REQUIRE n.id IS UNIQUE")
# An entry's text in parts: one Bolt message is bounded (16 MB on ArcadeDB), the images of
# a national import are not.
CREATE_AUDIT_PART_INDEX = (
    "CREATE INDEX MaillageAuditPart_id IF NOT EXISTS FOR (n:MaillageAuditPart) ON (n.id)")
APPEND_AUDIT = ("CREATE (:MaillageAudit {id: $id, at: $at, seq: timestamp(), data: $data, "
                "parts: $parts})")
APPEND_AUDIT_PART = "CREATE (:MaillageAuditPart {id: $id, n: $n, data: $data})"
REPLACE_AUDIT = "MATCH (n:MaillageAudit {id: $id}) SET n.data = $data, n.parts = $parts"
DELETE_AUDIT_PARTS = "MATCH (p:MaillageAuditPart {id: $id}) DELETE p"
LIST_AUDIT = ("MATCH (n:MaillageAudit) RETURN n.id AS id, n.data AS data, "
              "coalesce(n.parts, 1) AS parts ORDER BY n.seq, n.id")
AUDIT_PARTS = "MATCH (p:MaillageAuditPart {id: $id}) RETURN p.data AS data ORDER BY p.n"
# Constraints first: MERGE without them is slow, and they make keys unique.
SCHEMA = (
    CREATE_META_CONSTRAINT, CREATE_REVIEW_CONSTRAINT, CREATE_WRITE_AT_INDEX,
    CREATE_AUDIT_CONSTRAINT, CREATE_AUDIT_PART_INDEX,
    *(q.format(label=kind.label) for kind in NodeKind
      for q in (CREATE_NODE_KEY_CONSTRAINT, DROP_NODE_NAME_INDEX)),
    *(CREATE_REL_KEY_INDEX.format(type=t.value) for t in RelType))
SCHEMA_VERSION = hashlib.sha256("\n".join(SCHEMA).encode()).hexdigest()[:16]

# -- reads -----------------------------------------------------------------------------
GET_NODES = ("MATCH (n:{label}) WHERE n.key IN $keys "
             "RETURN properties(n) AS p, elementId(n) AS id")
GET_RELS = (
    "MATCH (a)-[r:{type}]->(b) WHERE r.key IN $keys "
    "RETURN properties(r) AS p, a.key AS start, b.key AS end")
GENERATION = "MATCH (w:MaillageWrite) RETURN count(w) AS v"
CLOCK = "RETURN timestamp() AS now"
LOGGED_SINCE = (
    "MATCH (w:MaillageWrite) WHERE w.at >= $since "
    "RETURN w.id AS id, w.nodes AS nodes, w.rels AS rels, w.everything AS everything")
SCHEMA_MARK = "MATCH (m:MaillageMeta {key: 'schema'}) RETURN m.value AS v"
SET_SCHEMA_MARK = "MERGE (m:MaillageMeta {key: 'schema'}) SET m.value = $version"
FIND_NODES = (
    "MATCH (n{label}) WHERE n.kind IS NOT NULL "
    "AND ($text IS NULL OR n.name_norm CONTAINS $text) {where} "
    "RETURN properties(n) AS p ORDER BY n.key SKIP $offset LIMIT $limit")
#: every node of one kind (internal bulk reads: the resolvers of an import)
NODES_OF_KIND = "MATCH (n:{label}) WHERE n.kind IS NOT NULL RETURN properties(n) AS p ORDER BY n.key"
COUNT_NODES = (
    "MATCH (n{label}) WHERE n.kind IS NOT NULL "
    "AND ($text IS NULL OR n.name_norm CONTAINS $text) {where} RETURN count(n) AS c")
# Dynamic property access n[$name] keeps the property name a parameter too.
WHERE_PROPERTY = "AND n[$w{i}] = $v{i}"
NEIGHBOURS_OUT = (
    "MATCH (n:{label} {{key: $key}})-[r]->(m) WHERE $types IS NULL OR type(r) IN $types "
    "RETURN type(r) AS type, properties(r) AS rp, n.key AS start, m.key AS end, "
    "properties(m) AS mp ORDER BY r.key")
NEIGHBOURS_IN = (
    "MATCH (n:{label} {{key: $key}})<-[r]-(m) WHERE $types IS NULL OR type(r) IN $types "
    "RETURN type(r) AS type, properties(r) AS rp, m.key AS start, n.key AS end, "
    "properties(m) AS mp ORDER BY r.key")
# the nodes first, then their relations: in one pattern, ArcadeDB scanned (182 → 33 ms)
RELATIONSHIPS_TO = (
    "MATCH (n:{label}) WHERE n.key IN $keys MATCH (m)-[r]->(n) WHERE type(r) IN $types "
    "RETURN type(r) AS type, properties(r) AS rp, m.key AS start, n.key AS end")
EXPORT_NODES = "MATCH (n) WHERE n.kind IS NOT NULL RETURN properties(n) AS p ORDER BY n.key"
EXPORT_RELS = (
    "MATCH (a)-[r]->(b) WHERE r.key IS NOT NULL "
    "RETURN type(r) AS type, properties(r) AS p, a.key AS start, b.key AS end ORDER BY r.key")
COUNT_BY_KIND = "MATCH (n) WHERE n.kind IS NOT NULL RETURN n.kind AS kind, count(*) AS c"
COUNT_BY_TYPE = "MATCH ()-[r]->() WHERE r.key IS NOT NULL RETURN type(r) AS type, count(*) AS c"
