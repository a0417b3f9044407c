/*
name: backup/graph_nodes
:params {}
*/
// Every node of the graph with its outgoing relationships (by the element id of their end):
// the whole graph in one statement, one row a node, as `flock backup` writes it.
MATCH (n)
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS properties,
       [(n)-[r]->(m) | [elementId(m), type(r), properties(r)]] AS outgoing
