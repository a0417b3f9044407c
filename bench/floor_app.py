"""The floor a home-timeline page is measured against: a bare Quart app on the same Hypercorn,
one `ZREVRANGE` of 20 ids from a random feed of the same Redis, returned as JSON.

    FLOCK_REDIS_URL=redis://... FLOCK_BENCH_FEEDS=feed:1,feed:2 hypercorn floor_app:app
"""

from __future__ import annotations

import os
import random

from quart import Quart
from redis import asyncio as aioredis

app = Quart(__name__)
FEEDS = os.environ.get("FLOCK_BENCH_FEEDS", "feed:0").split(",")
redis = aioredis.Redis.from_url(os.environ["FLOCK_REDIS_URL"])


@app.get("/timeline")
async def timeline():
    ids = await redis.zrevrange(random.choice(FEEDS), 0, 19)  # noqa: S311
    return {"items": [i.decode() for i in ids]}
