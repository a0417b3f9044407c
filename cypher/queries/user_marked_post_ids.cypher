/*
name: queries/user_marked_post_ids
:params {floor: 0, limit: 20, user_id: 1}
*/
// A user's own marks on posts with ids from $floor up, newest post first, at most $limit:
// "l" liked, "r" reposted, "b" bookmarked (for the Redis copy that tells liked_by_me,
// reposted_by_me and bookmarked_by_me on warm pages).
MATCH (:User {id: $user_id})-[mark:LIKES|REPOSTED|BOOKMARKED]->(p:Post)
WHERE p.id >= $floor
RETURN p.id AS id,
       CASE type(mark) WHEN "LIKES" THEN "l" WHEN "REPOSTED" THEN "r" ELSE "b" END AS mark
ORDER BY id DESC
LIMIT $limit
