/*
name: backup/neo4j_version
:params {}
*/
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
