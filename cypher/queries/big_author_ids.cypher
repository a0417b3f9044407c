/*
name: queries/big_author_ids
:params {fanout_limit: 10000}
*/
// Accounts with too many followers to fan out to: their posts are merged at read time.
// Used to rebuild the Redis set of them when it is missing.
MATCH (a:User)
WHERE COUNT { (a)<-[:FOLLOWS]-() } > $fanout_limit
RETURN collect(a.id) AS ids
