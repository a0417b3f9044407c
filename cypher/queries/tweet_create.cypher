/*
name: queries/tweet_create
:params {author_id: 1, id: 1, text: "hello #flock @bob", now: 1764201600.0, hashtags: ["flock"], mentions: ["bob"], media_ids: [], quote_id: null, client_key: null}
*/
// Posts a tweet with its hashtags, mentions and images (the author's own uploads, in order),
// quoting $quote_id when given: nothing is created (no row) when that post is missing or
// deleted, or its author and this one are blocked either way (nobody blocked either way is
// mentioned either). The quoted id stays on the tweet (`quote_id`), so that a quoted post deleted later
// shows as unavailable. $client_key: the request's Idempotency-Key (null when none).
MATCH (author:User {id: $author_id})
OPTIONAL MATCH (quoted:Post {id: $quote_id})
WHERE NOT quoted:Deleted AND NOT EXISTS { (author)-[:BLOCKS]-(:User)-[:POSTED]->(quoted) }
WITH author, quoted
WHERE $quote_id IS NULL OR quoted IS NOT NULL
CREATE (author)-[:POSTED]->(p:Post:Tweet {id: $id, text: $text, created_at: $now, quote_id: $quote_id,
                                          client_key: $client_key})
FOREACH (q IN CASE WHEN quoted IS NULL THEN [] ELSE [quoted] END | CREATE (p)-[:QUOTES]->(q))
WITH p, author
CALL (p) {
  UNWIND $hashtags AS tag
  MERGE (h:Hashtag {name: tag})
  CREATE (p)-[:TAGGED]->(h)
}
CALL (p, author) {
  UNWIND $mentions AS name
  MATCH (m:User {username_key: name})
  WHERE NOT EXISTS { (author)-[:BLOCKS]-(m) }
  CREATE (p)-[:MENTIONS]->(m)
}
CALL (p, author) {
  UNWIND range(0, size($media_ids) - 1) AS position
  MATCH (author)-[:UPLOADED]->(m:Media {id: $media_ids[position]})
  CREATE (p)-[:HAS_MEDIA {position: position}]->(m)
}
RETURN p.id AS id,
       // who is to be told at once: those it mentions, answers or quotes, but not the author
       // nor anyone who mutes them
       [(p)-[:MENTIONS|REPLY_TO|QUOTES]->(:Post|User)<-[:POSTED*0..1]-(x:User)
        WHERE x <> author AND NOT EXISTS { (x)-[:MUTES]->(author) } | x.id] AS notify_ids
