/*
name: analytics/influence_in_community
:params {username: "ann", limit: 20}
required: username
*/
// Influence inside one account's community: its members by PageRank, with how many followers
// each has inside the community and outside it.
MATCH (me:User {username: $username})
MATCH (u:User {community: me.community})
WITH u, me.community AS community
ORDER BY u.pagerank DESC, u.id
LIMIT $limit
RETURN u.username AS username, round(u.pagerank, 6) AS pagerank,
       COUNT { (u)<-[:FOLLOWS]-(:User {community: community}) } AS followers_inside,
       COUNT { (u)<-[:FOLLOWS]-(f:User) WHERE f.community <> community } AS followers_outside
