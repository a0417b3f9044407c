/*
name: queries/home_timeline_ids
:params {viewer_id: 1, max_id: 9223372036854775807, since_id: 0, limit: 20}
*/
// The entries of a home timeline, newest first: the cold path, and what a Redis feed is
// rebuilt from. An entry is a post by the viewer or someone they follow (a reply only when the
// viewer is, or follows, the author it answers), or a repost by the viewer or someone they
// follow (its id is the repost's). Nothing by, or reposted by, an account the viewer mutes,
// nor by one blocked either way. Each post shows once, at its first entry: reposting what is
// already there adds nothing.
// The viewer's follows, mutes and blocks are read once, up front: checking them per entry
// (an expansion of the viewer's relationships for each of a few hundred entries) made this
// query ten times slower (bench/README.md).
MATCH (viewer:User {id: $viewer_id})
WITH viewer,
     COLLECT { MATCH (viewer)-[:FOLLOWS]->(f:User) RETURN f.id } AS followed,
     COLLECT { MATCH (viewer)-[:MUTES]->(m:User) RETURN m.id } AS muted,
     COLLECT { MATCH (viewer)-[:MUTES|BLOCKS]->(h:User) RETURN h
               UNION
               MATCH (viewer)<-[:BLOCKS]-(h:User) RETURN h } AS hidden
CALL (viewer) {
  MATCH (viewer)-[:POSTED]->(p:Post)
  RETURN p, p.id AS entry_id, null AS reposter_id
  UNION
  MATCH (viewer)-[:FOLLOWS]->(:User)-[:POSTED]->(p:Post)
  RETURN p, p.id AS entry_id, null AS reposter_id
  UNION
  MATCH (viewer)-[repost:REPOSTED]->(p:Post)
  RETURN p, repost.id AS entry_id, viewer.id AS reposter_id
  UNION
  MATCH (viewer)-[:FOLLOWS]->(reposter:User)-[repost:REPOSTED]->(p:Post)
  RETURN p, repost.id AS entry_id, reposter.id AS reposter_id
}
WITH viewer, followed, muted, hidden, p, entry_id, reposter_id
WHERE (reposter_id IS NOT NULL
       OR p:Tweet
       OR p.parent_author_id = viewer.id
       OR p.parent_author_id IN followed)
  AND (reposter_id IS NULL OR NOT reposter_id IN muted)
  AND (size(hidden) = 0 OR NOT EXISTS { MATCH (h:User)-[:POSTED]->(p) WHERE h IN hidden })
WITH p, entry_id, reposter_id ORDER BY entry_id
WITH p, head(collect([entry_id, reposter_id])) AS first
WHERE $since_id < first[0] < $max_id
RETURN first[0] AS id, p.id AS post_id, first[1] AS reposter_id
ORDER BY id DESC LIMIT $limit
