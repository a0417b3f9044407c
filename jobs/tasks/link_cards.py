"""Link cards: what the first link of a post shows (its page's title, description and picture),
fetched here, safely (jobs/stores/link_preview.py), kept in the graph once per link and day,
and shown under every post that links there."""

from __future__ import annotations

import logging
import time

from prometheus_client import Counter

from flock.core.ids import new_id
from jobs.stores import link_preview, media, post_cache
from jobs.stores.media import media_key
from jobs.tasks.context import WorkerContext, worker_context

log = logging.getLogger("flock.tasks.link_cards")

FETCHES = Counter("flock_link_card_fetches_total", "Pages fetched for link cards", ["outcome"])
KEEP_SECONDS = 24 * 3600  # a link's card is fetched again after this


def attach_link_card(post_id: int, url: str | None) -> bool:
    """Show the card of `url` under the post (fetched unless kept from the last day); None: the
    post shows no card any more. True when the post shows a card."""
    ctx = worker_context()
    if url is None:
        if ctx.graph.write("queries/post_link_card_drop", post_id=post_id):
            post_cache.forget_posts_now(ctx.redis, [post_id])
        return False
    kept = ctx.graph.read("queries/link_card_by_url", url=url)
    if not kept or time.time() - kept[0]["fetched_at"] > KEEP_SECONDS:
        _fetch_and_keep(ctx, url)
    shown = bool(ctx.graph.write("queries/post_link_card_set", post_id=post_id, url=url))
    post_cache.forget_posts_now(ctx.redis, [post_id])
    return shown


def _fetch_and_keep(ctx: WorkerContext, url: str) -> None:
    settings = ctx.settings
    try:
        page = link_preview.fetch_page(settings, url)
    except link_preview.Refused as refused:
        FETCHES.labels(str(refused).split(":")[0]).inc()
        log.info("link_card_refused", extra={"url": url, "reason": str(refused)})
        nothing = dict.fromkeys(("title", "description", "site", "image_id", "width", "height"))
        ctx.graph.write("queries/link_card_save", url=url, now=time.time(), **nothing)
        return
    FETCHES.labels("shown").inc()
    image_id, width, height = _picture(ctx, page.image_url) if page.image_url else (None,) * 3
    ctx.graph.write("queries/link_card_save", url=url, title=page.title,
                    description=page.description, site=page.site, image_id=image_id,
                    width=width, height=height, now=time.time())  # fmt: skip


def _picture(ctx: WorkerContext, url: str) -> tuple[int | None, int | None, int | None]:
    """The page's picture through the image path of uploads (rendered in the capped child,
    no metadata kept): (its image id, width, height), or Nones when it cannot be shown."""
    settings = ctx.settings
    deadline = time.monotonic() + settings.link_card_seconds
    try:
        _, data = link_preview.fetch(settings, url, ("image/*",), settings.media_max_bytes,
                                     deadline)  # fmt: skip
        versions = media.render_capped(data)
    except (link_preview.Refused, media.RenderFailed) as error:
        log.info("link_card_picture_refused", extra={"url": url, "reason": str(error)})
        return None, None, None
    image_id = new_id()
    ctx.media.put(media_key(image_id, "original"), data, "application/octet-stream")
    for variant, (rendered, content_type) in versions.items():
        ctx.media.put(media_key(image_id, variant), rendered, content_type)
    width, height = media.image_size(versions["thumb"][0])
    return image_id, width, height
