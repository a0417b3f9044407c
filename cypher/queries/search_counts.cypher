/*
name: queries/search_counts
:params {}
*/
// How many documents a full reindex will write (for its progress bar).
RETURN COUNT { (p:Post) WHERE NOT p:Deleted } AS posts, COUNT { (u:User) } AS users
