"""`flock keys new|rotate`: the keys of encryption at rest (flock/core/crypto.py).

Rotating: put a new key first in FLOCK_DATA_KEY (`flock keys new` makes one; with the
embedded stack, the first line of var/data-key), keeping the old ones after it; restart the app
and workers; run `flock keys rotate`. When it says nothing is left under an old key, drop that
key from FLOCK_DATA_KEY.
"""

from __future__ import annotations

import click

from flock.cli.context import audited, load_settings, stage
from flock.core.db import SyncGraph
from flock.core.settings import new_data_key
from graph import personal_data
from jobs.stores import media as media_store


@click.group()
def keys() -> None:
    """The keys that encrypt personal data and image originals at rest."""


@keys.command("new")
def keys_new() -> None:
    """Print a new data key, to put first in FLOCK_DATA_KEY (comma-separated, old ones after)."""
    click.echo(new_data_key())


@keys.command("rotate")
@audited(command="keys rotate")
def keys_rotate() -> dict:
    """Re-encrypt under FLOCK_DATA_KEY's first key everything an older key (or none) holds,
    in short batches, while the site runs."""
    settings = load_settings()
    with SyncGraph(settings, long=True) as graph:
        with stage("Accounts", personal_data.account_count(graph)) as advance:
            accounts = personal_data.rotate_keys(settings, graph, advance)
        with stage("Image originals", media_store.image_count(graph)) as advance:
            images = media_store.rotate_originals(settings, graph, advance)
    click.echo(
        f"key {accounts['key']}: {accounts['rewritten']} of {accounts['accounts']} account(s) "
        f"and {images} image original(s) re-encrypted; nothing is left under another key"
    )
    return {"key": accounts["key"], "accounts": accounts["rewritten"], "images": images}
