/*
name: analytics/triangles_around_user
:params {username: "ann"}
required: username
*/
// Triangles around @username: pairs of its neighbours (follows either way) who are connected
// themselves, and its local clustering coefficient (triangles / possible pairs).
MATCH (u:User {username_key: toLower($username)})
CALL (u) {
  MATCH (u)-[:FOLLOWS]-(n:User)
  RETURN count(DISTINCT n) AS neighbours
}
CALL (u) {
  MATCH (u)-[:FOLLOWS]-(a:User)-[:FOLLOWS]-(b:User)-[:FOLLOWS]-(u)
  WHERE a.id < b.id
  RETURN count(DISTINCT [a.id, b.id]) AS triangles
}
RETURN u.username AS username, neighbours, triangles,
       CASE WHEN neighbours < 2 THEN 0.0
            ELSE round(2.0 * triangles / (neighbours * (neighbours - 1)), 4) END AS clustering
