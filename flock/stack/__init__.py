"""The embedded stack: Neo4j, Redis, Typesense, a worker and the app on loopback (`flock run`)."""
