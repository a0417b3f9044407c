"""The domain: one use-case function per thing a person does (`posts.post_tweet`,
`follows.follow`, `accounts.delete_account`, ...), and what the use cases share: the one
projection of a post (`post_views.py`) and of a user (`user_views.py`), the page read-through
(`read_through.py`), request models (`requests.py`), cursors, text, rate limits and roles.

May import: `jobs.events` (the one door for after-effects), the stores below it (to read and
invalidate the derived copies), `flock.core` and `cypher` (through `flock.core.db`). Never the
faces (`api`, `web`) or the processes (`flock.app`, `flock.worker`, `flock.cli`).
"""
