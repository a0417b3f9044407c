"""Graph algorithms for analysts, run as jobs (Neo4j Community has no GDS): the follow graph is
read from Neo4j in short pages (`snapshot.py`), computed with igraph in memory (`compute.py`),
and written back in batches of short transactions as account properties (`write.py`), like
GDS's write mode; `catalogue.py` names them and runs them, by `flock analytics run NAME` or the
workers' schedule (FLOCK_ANALYTICS_EVERY_HOURS)."""
