/*
name: queries/followed_among
:params {viewer_id: 1, user_ids: [1, 2]}
*/
// Which of these accounts the viewer follows (to boost them in search results).
MATCH (:User {id: $viewer_id})-[:FOLLOWS]->(u:User)
WHERE u.id IN $user_ids
RETURN collect(u.id) AS ids
