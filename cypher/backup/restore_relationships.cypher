/*
name: backup/restore_relationships
:params {relationships: [{start: "4:x:0", end: "4:x:1", type: "FOLLOWS", properties: {}}]}
*/
// A batch of the archive's relationships between restored nodes.
UNWIND $relationships AS row
MATCH (a:Restoring {archive_id: row.start})
MATCH (b:Restoring {archive_id: row.end})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.properties
RETURN count(r) AS created
