"""The bottom layer, which every other imports: settings (`settings.py`), logging (`logs.py`),
the connections (`db.py` for Neo4j with its causal bookmarks in `causal.py`, `backends.py` for
Redis, Typesense and HTTP), ids, the errors a use case raises, and the write pause. It imports
`cypher/` (the statements `db.py` sends) and nothing else of the app: no web framework, no RQ."""
