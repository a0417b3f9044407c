/*
name: backup/graph_counts
:params {}
*/
// Nodes per label and relationships per type, to check a restore against the manifest.
CALL db.labels() YIELD label
CALL (label) { MATCH (n:$(label)) RETURN count(n) AS count }
WITH collect([label, count]) AS labels
CALL db.relationshipTypes() YIELD relationshipType AS type
CALL (type) { MATCH ()-[r:$(type)]->() RETURN count(r) AS count }
RETURN labels, collect([type, count]) AS types
