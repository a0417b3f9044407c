/*
name: queries/hashtags_by_prefix
:params {prefix: "flo", limit: 20}
*/
// Hashtags whose name starts with $prefix (lower-cased, without #), the most used first.
MATCH (h:Hashtag)
WHERE h.name STARTS WITH $prefix
WITH h, COUNT { (h)<-[:TAGGED]-(:Post) } AS uses
RETURN h.name AS name, uses
ORDER BY uses DESC, name
LIMIT $limit
