/*
name: backup/graph_size
:params {}
*/
// How many nodes and relationships there are (from the count store: instant).
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN nodes, relationships
