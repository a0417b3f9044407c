/*
name: analytics/reciprocity
:params {}
*/
// Reciprocity: the share of follows that are returned (1.0: every follow is mutual).
MATCH (a:User)-[:FOLLOWS]->(b:User)
WITH count(*) AS follows, count(CASE WHEN EXISTS { (b)-[:FOLLOWS]->(a) } THEN 1 END) AS returned
RETURN follows, returned AS mutual_follows,
       CASE follows WHEN 0 THEN 0.0 ELSE round(toFloat(returned) / follows, 4) END AS reciprocity
