/*
name: queries/followed_among
:params {viewer_id: 1, user_ids: [1, 2]}
*/
// Among these accounts, which the viewer follows (boosted in search results) and which are
// hidden from them (muted, or blocked either way: left out of search results).
MATCH (viewer:User {id: $viewer_id})
UNWIND $user_ids AS user_id
MATCH (u:User {id: user_id})
WITH u, EXISTS { (viewer)-[:FOLLOWS]->(u) } AS followed,
     EXISTS { (viewer)-[:MUTES]->(u) } OR EXISTS { (viewer)-[:BLOCKS]-(u) } AS hidden
RETURN collect(CASE WHEN followed THEN u.id END) AS ids,
       collect(CASE WHEN hidden THEN u.id END) AS hidden
