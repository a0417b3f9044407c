"""The web UI: thin views over the same `graph/` use cases, Jinja templates, static files,
sessions and CSRF. May import `graph/` and `flock.core`; never `api/` (a sibling)."""
