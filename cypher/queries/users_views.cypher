/*
name: queries/users_views
:params {ids: [1, 2], viewer_id: 1, counts: true}
*/
// Users as every page shows them (graph/user_views.py projects them): their public fields, the
// counts when asked, how the viewer stands with each, and for the user's own eyes only their
// email and roles. In the order given; unknown ids are left out.
OPTIONAL MATCH (viewer:User {id: $viewer_id})
UNWIND range(0, size($ids) - 1) AS position
MATCH (u:User {id: $ids[position]})
RETURN u.id AS id,
       u {id: toString(u.id), .username, .display_name, .bio, .location, .website, .created_at,
          avatar_id: [(u)-[:AVATAR]->(a:Media) | toString(a.id)][0],
          banner_id: [(u)-[:BANNER]->(h:Media) | toString(h.id)][0]} AS user,
       CASE WHEN $counts THEN {
         follower_count: COUNT { (u)<-[:FOLLOWS]-() },
         following_count: COUNT { (u)-[:FOLLOWS]->() },
         tweet_count: COUNT { (u)-[:POSTED]->(:Tweet) }
       } END AS counts,
       viewer IS NOT NULL AND EXISTS { (viewer)-[:FOLLOWS]->(u) } AS followed_by_me,
       viewer IS NOT NULL AND EXISTS { (viewer)-[:MUTES]->(u) } AS muted_by_me,
       viewer IS NOT NULL AND EXISTS { (viewer)-[:BLOCKS]-(u) } AS blocked,
       viewer IS NOT NULL AND EXISTS { (u)-[:FOLLOWS]->(viewer) } AS follows_me,
       viewer IS NOT NULL AND EXISTS { (viewer)-[:BLOCKS]->(u) } AS blocking,
       CASE WHEN viewer = u THEN {email: u.email, roles: coalesce(u.roles, [])} END AS own
ORDER BY position
