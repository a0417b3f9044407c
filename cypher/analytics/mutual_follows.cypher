/*
name: analytics/mutual_follows
:params {username: "ann", limit: 50}
required: username
*/
// Accounts that follow @username and are followed back, most-followed first.
MATCH (u:User {username_key: toLower($username)})-[:FOLLOWS]->(other:User)-[:FOLLOWS]->(u)
WITH other, COUNT { (other)<-[:FOLLOWS]-() } AS followers
ORDER BY followers DESC, other.username
LIMIT $limit
RETURN other.username AS username, followers
