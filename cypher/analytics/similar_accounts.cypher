/*
name: analytics/similar_accounts
:params {username: "ann", limit: 10}
required: username
*/
// The accounts most like one account by whom they follow (`flock analytics run similarity`:
// the Jaccard index of the two sets of followed accounts).
MATCH (:User {username: $username})-[s:SIMILAR]->(v:User)
RETURN v.username AS username, round(s.score, 4) AS score
ORDER BY s.score DESC, v.id
LIMIT $limit
