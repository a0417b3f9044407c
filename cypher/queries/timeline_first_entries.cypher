/*
name: queries/timeline_first_entries
:params {viewer_id: 1, entries: [[3, 1]]}
*/
// Which of these repost entries ([entry id, post id]) are their post's first entry in the
// viewer's home timeline (the rule of home_timeline_ids): asked for a hot page that merges big
// accounts, whose posts and reposts never went through the feed's own check.
MATCH (viewer:User {id: $viewer_id})
UNWIND $entries AS entry
MATCH (p:Post {id: entry[1]})
WITH viewer, p, entry[0] AS entry_id
WHERE NOT EXISTS {
        MATCH (viewer)-[:FOLLOWS*0..1]->(reposter:User)-[repost:REPOSTED]->(p)
        WHERE repost.id < entry_id AND NOT EXISTS { (viewer)-[:MUTES]->(reposter) }
      }
  AND NOT EXISTS {
        MATCH (viewer)-[:FOLLOWS*0..1]->(:User)-[:POSTED]->(p)
        WHERE p:Tweet
           OR p.parent_author_id = viewer.id
           OR EXISTS { (viewer)-[:FOLLOWS]->(:User {id: p.parent_author_id}) }
      }
RETURN entry_id AS id
