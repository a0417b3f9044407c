"""The derived stores and the media bytes: Redis feeds, the Redis post copy, the Typesense index,
who-to-follow lists, and the image store. No RQ here: the app reads and invalidates them, the
tasks in jobs/tasks/ write them, and every one can be rebuilt from the graph."""
