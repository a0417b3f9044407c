"""`flock backup` (make, keygen, verify, list) and `flock restore`."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click

from flock.cli.context import audited, fail, load_settings, stage
from flock.core.db import SyncGraph
from flock.restore import RestoreRefused
from flock.restore import restore as restore_archive
from flock.stack.processes import StackError
from jobs.backups import targets
from jobs.backups.archive import ArchiveRefused, KeyMissing, new_key, open_archive
from jobs.backups.export import BackupFailed, make_backup
from jobs.backups.restore import DataKeysRefused, RestoreFailed
from jobs.queue import sync_redis


@click.group(invoke_without_command=True)
@click.option("--to", "to", default="", help="A folder or s3://bucket/prefix [FLOCK_BACKUP_TO].")
@click.pass_context
def backup(ctx: click.Context, to: str) -> None:
    """Write an encrypted archive of the graph, the images and the secrets (FLOCK_BACKUP_KEY).
    Graph writes pause while the graph is exported; reads go on."""
    if ctx.invoked_subcommand is None:
        make(to)


@audited(command="backup")
def make(to: str) -> dict:
    settings = load_settings()
    try:
        with SyncGraph(settings, long=True) as graph:
            r = sync_redis(settings.redis_url, settings.ca_file)
            result = make_backup(settings, graph, r, to, stage)
    except (KeyMissing, BackupFailed) as error:
        fail("backup", str(error))
    click.echo(
        f"backed up {contents(result.manifest)} to {result.location} "
        f"({result.bytes / 1e6:.2f} MB, {result.seconds:.1f}s; graph writes paused "
        f"{result.paused_seconds:.2f}s)"
    )
    if missing := result.manifest["media"]["missing"]:
        click.echo(
            f"note: {len(missing)} image original(s) were already gone from the media store",
            err=True,
        )
    return {"location": result.location}


@backup.command("keygen")
def backup_keygen() -> None:
    """Print a new backup key (an age identity) and its public recipient."""
    identity, recipient = new_key()
    click.echo(f"# public key: {recipient}")
    click.echo("# Keep this line somewhere safe, away from this machine: without it no")
    click.echo("# archive can be restored. Then set it as FLOCK_BACKUP_KEY.")
    click.echo(identity)


@backup.command("verify")
@click.argument("archive")
def backup_verify(archive: str) -> None:
    """Decrypt ARCHIVE (a path or s3://...) and check every part against its manifest."""
    settings = load_settings(stack=False, secrets=False)
    work = Path(tempfile.mkdtemp(prefix="flock-verify-"))
    try:
        fetched = targets.fetch_archive(settings, archive, work)
        opened = open_archive(fetched, settings.backup_key, work, stage)
    except (ArchiveRefused, KeyMissing) as error:
        fail("backup verify", str(error))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    m = opened.manifest
    click.echo(
        f"{archive}: good. Made {m['created_at']} by Flock {m['flock_version']} on Neo4j "
        f"{m['neo4j_version']}: {contents(m)}; {len(m['parts'])} parts checked"
    )


@backup.command("list")
@click.option("--to", "to", default="", help="A folder or s3://bucket/prefix [FLOCK_BACKUP_TO].")
def backup_list(to: str) -> None:
    """The archives kept at the backup target, oldest first."""
    for location in targets.list_archives(load_settings(stack=False), to):
        click.echo(location)


@click.command()
@click.argument("archive")
@click.option("--force", is_flag=True, help="Replace a graph that is not empty.")
def restore(archive: str, force: bool) -> None:
    """Restore ARCHIVE (a path or s3://...) into an empty Flock, then rebuild feeds, the search
    index and the served images. A wrong key or a damaged archive changes nothing.
    (The restore audits itself, into the restored trail, under the archive's key.)"""
    settings = load_settings(stack=False, secrets=False)
    try:
        done = restore_archive(settings, archive, force, stage, click.echo)
    except (ArchiveRefused, KeyMissing, RestoreRefused, DataKeysRefused) as error:
        fail("restore", f"refused, nothing was changed: {error}")
    except (RestoreFailed, StackError) as error:
        fail("restore", f"failed: {error}")
    click.echo(
        f"restored {contents(done.manifest)} (made {done.manifest['created_at']}); "
        f"rebuilt {done.feeds} feeds, indexed "
        + ", ".join(f"{n} {alias}" for alias, n in done.indexed.items())
        + f", rendered {done.rendered} images"
    )
    for note in done.notes:
        click.echo(f"note: {note}")


def contents(manifest: dict) -> str:
    counts = manifest["counts"]
    return (
        f"{sum(counts['nodes'].values())} nodes, {sum(counts['relationships'].values())} "
        f"relationships and {manifest['media']['originals']} images"
    )
