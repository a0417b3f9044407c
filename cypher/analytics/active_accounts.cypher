/*
name: analytics/active_accounts
:params {days: 7}
*/
// Accounts active in the last `days` days (seen, and of those, posting), out of all accounts.
MATCH (u:User)
WITH count(u) AS accounts,
     count(CASE WHEN u.last_seen_at >= datetime().epochSeconds - $days * 86400 THEN 1 END) AS seen
OPTIONAL MATCH (a:User)-[:POSTED]->(p:Post)
WHERE p.created_at >= datetime().epochSeconds - $days * 86400
RETURN accounts, seen, count(DISTINCT a) AS posting
