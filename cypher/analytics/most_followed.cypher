/*
name: analytics/most_followed
:params {limit: 10}
*/
// The most-followed accounts, with how many they follow and how many tweets they wrote.
MATCH (u:User)
WITH u, COUNT { (u)<-[:FOLLOWS]-() } AS followers
ORDER BY followers DESC, u.username
LIMIT $limit
RETURN u.username AS username, followers,
       COUNT { (u)-[:FOLLOWS]->() } AS following,
       COUNT { (u)-[:POSTED]->(:Tweet) } AS tweets
