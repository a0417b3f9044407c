/*
name: analytics/degree_distribution
:params {}
*/
// Degree distribution: how many accounts have each number of followers (and follow how many).
MATCH (u:User)
WITH COUNT { (u)<-[:FOLLOWS]-() } AS followers, COUNT { (u)-[:FOLLOWS]->() } AS following
RETURN followers, count(*) AS accounts, round(avg(following), 2) AS avg_following
ORDER BY followers
