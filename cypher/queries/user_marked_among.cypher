/*
name: queries/user_marked_among
:params {user_id: 1, ids: [1, 2]}
*/
// The user's own marks on these posts (for a page the cached marks do not cover):
// "l" liked, "r" reposted, "b" bookmarked.
MATCH (:User {id: $user_id})-[mark:LIKES|REPOSTED|BOOKMARKED]->(p:Post)
WHERE p.id IN $ids
RETURN p.id AS id,
       CASE type(mark) WHEN "LIKES" THEN "l" WHEN "REPOSTED" THEN "r" ELSE "b" END AS mark
