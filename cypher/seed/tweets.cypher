// Bulk-creates tweets for seeded users.
UNWIND $tweets AS t
MATCH (a:User {id: t.author_id})
CREATE (a)-[:POSTED]->(:Post:Tweet {id: t.id, text: t.text, created_at: t.created_at})
