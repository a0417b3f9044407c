/*
name: seed/quotes
:params {quotes: [{id: 5, author_id: 1, quote_id: 3, text: "so true", created_at: 1764201600.0}]}
*/
// Bulk-creates quote tweets by seeded users, each linked to the post it quotes.
UNWIND $quotes AS q
MATCH (a:User {id: q.author_id})
MATCH (quoted:Post {id: q.quote_id})
CREATE (a)-[:POSTED]->(p:Post:Tweet {
  id: q.id, text: q.text, created_at: q.created_at, quote_id: q.quote_id
})-[:QUOTES]->(quoted)
