/*
name: seed/tweets
:params {tweets: [{id: 3, author_id: 1, text: "hello #flock", created_at: 1764201600.0, hashtag: "flock"}]}
*/
// Bulk-creates tweets for seeded users, tagged with their hashtag like any posted tweet.
UNWIND $tweets AS t
MATCH (a:User {id: t.author_id})
CREATE (a)-[:POSTED]->(p:Post:Tweet {id: t.id, text: t.text, created_at: t.created_at})
WITH p, t
MERGE (h:Hashtag {name: t.hashtag})
CREATE (p)-[:TAGGED]->(h)
