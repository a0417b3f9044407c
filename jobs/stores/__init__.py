"""The derived stores and the media bytes: Redis feeds (`feeds.py`, every rule about them), the
Redis post copy (`post_cache.py`) and the warm home page's one script (`home_page.py`), live
updates (`live.py`), the Typesense index, who-to-follow lists, and the image store. No RQ here:
the app reads and invalidates them, the tasks in jobs/tasks/ write them, and every one can be
rebuilt from the graph.

May import: `flock.core`, `cypher`; not `jobs.queue` (a sibling) or anything above."""
