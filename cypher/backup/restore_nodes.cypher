/*
name: backup/restore_nodes
:params {nodes: [{id: "4:x:0", labels: ["User"], properties: {id: 1}}]}
*/
// A batch of the archive's nodes, marked as restoring until restore_finish.
UNWIND $nodes AS row
CREATE (n:$(row.labels + ['Restoring']))
SET n = row.properties
SET n.archive_id = row.id
RETURN count(n) AS created
