/*
name: queries/page_views
:params {ids: [1, 2], viewer_id: 1, marks: true, floor: 0, marks_cap: 5000, hidden: true}
*/
// What a page of posts lacked in the Redis copy, in one read (graph/read_through.py):
// - views: the one projection of a post (graph/post_views.py shows it) for these posts and for
//   the posts they quote: the body, the author's id, the counts, the quoted post's id; the
//   viewer's own marks (liked_by_me...) are kept apart. A deleted post with replies is a
//   tombstone (no author, no text). Authors' cards come from queries/users_views.
// - marks (when $marks): the viewer's own marks on posts with ids from $floor up, newest post
//   first, at most $marks_cap: "l" liked, "r" reposted, "b" bookmarked.
// - hidden (when $hidden): the accounts blocked either way with the viewer, whose posts,
//   quotes and reposts a page never shows them.
CALL () {
  MATCH (p:Post)
  WHERE p.id IN $ids
  OPTIONAL MATCH (p)-[:QUOTES]->(q:Post)
  WITH collect(p) + collect(q) AS found
  UNWIND found AS p
  WITH DISTINCT p
  OPTIONAL MATCH (p)<-[:POSTED]-(a:User)
  RETURN collect({id: p.id, author_id: a.id, view: p {
    id: toString(p.id),
    kind: CASE WHEN p:Reply THEN "reply" ELSE "tweet" END,
    text: p.text, created_at: p.created_at, edited_at: p.edited_at, deleted: p:Deleted,
    media: COLLECT {
      MATCH (p)-[h:HAS_MEDIA]->(m:Media)
      RETURN m {id: toString(m.id), .content_type, .width, .height, .description,
                url: "/media/" + toString(m.id),
                thumbnail_url: "/media/" + toString(m.id) + "/thumb"}
      ORDER BY h.position
    },
    root_id: toString(coalesce(p.root_id, p.id)),
    root_author_id: [(root:Post {id: coalesce(p.root_id, p.id)})<-[:POSTED]-(ra:User)
                     | toString(ra.id)][0],
    in_reply_to_id: [(p)-[:REPLY_TO]->(parent) | toString(parent.id)][0],
    in_reply_to_account_id: toString(p.parent_author_id),
    in_reply_to_username: COLLECT {
      MATCH (u:User {id: p.parent_author_id}) RETURN u.username
    }[0],
    quote_id: toString(p.quote_id),
    card: [(p)-[:HAS_CARD]->(c:LinkCard) | c {
      .url, .title, .description, .site,
      image_url: [(c)-[:CARD_IMAGE]->(i:Media) | "/media/" + toString(i.id) + "/thumb"][0],
      image_width: [(c)-[:CARD_IMAGE]->(i:Media) | i.width][0],
      image_height: [(c)-[:CARD_IMAGE]->(i:Media) | i.height][0]
    }][0],
    like_count: COUNT { (p)<-[:LIKES]-() },
    reply_count: COUNT { (p)<-[:REPLY_TO]-(r:Reply) WHERE NOT r:Deleted },
    repost_count: COUNT { (p)<-[:REPOSTED]-() },
    quote_count: COUNT { (p)<-[:QUOTES]-(q:Post) WHERE NOT q:Deleted }
  }}) AS views
}
CALL () {
  OPTIONAL MATCH (:User {id: $viewer_id})-[mark:LIKES|REPOSTED|BOOKMARKED]->(p:Post)
  WHERE $marks AND p.id >= $floor
  WITH p.id AS id, CASE type(mark) WHEN "LIKES" THEN "l" WHEN "REPOSTED" THEN "r" ELSE "b" END AS mark
  ORDER BY id DESC
  LIMIT $marks_cap
  RETURN collect(CASE WHEN id IS NOT NULL THEN {id: id, mark: mark} END) AS marks
}
CALL () {
  OPTIONAL MATCH (:User {id: $viewer_id})-[:BLOCKS]-(x:User)
  WHERE $hidden
  RETURN collect(DISTINCT x.id) AS hidden
}
RETURN views, marks, hidden
