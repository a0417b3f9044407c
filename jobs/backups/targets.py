"""Where archives live: a folder, or S3 (`s3://bucket/prefix`, through FLOCK_S3_ENDPOINT_URL
and the usual AWS_* credentials): put, list, prune and fetch."""

from __future__ import annotations

import shutil
from pathlib import Path

import boto3

from flock.core.settings import Settings
from jobs.backups.archive import SUFFIX


def _s3(settings: Settings):
    return boto3.client("s3", endpoint_url=settings.s3_endpoint_url or None)


def _split_s3(target: str) -> tuple[str, str]:
    bucket, _, prefix = target.removeprefix("s3://").partition("/")
    return bucket, prefix.strip("/")


def store(settings: Settings, local: Path, target: str, name: str) -> str:
    """Put the finished archive at the target; returns where it is."""
    if target.startswith("s3://"):
        bucket, prefix = _split_s3(target)
        key = f"{prefix}/{name}" if prefix else name
        _s3(settings).upload_file(str(local), bucket, key)
        return f"s3://{bucket}/{key}"
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    shutil.move(local, final)
    return str(final)


def list_archives(settings: Settings, target: str = "") -> list[str]:
    """The archives at the target, oldest first."""
    target = target or settings.backup_target
    if target.startswith("s3://"):
        bucket, prefix = _split_s3(target)
        pages = (
            _s3(settings)
            .get_paginator("list_objects_v2")
            .paginate(Bucket=bucket, Prefix=f"{prefix}/" if prefix else "")
        )
        keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
        return sorted(f"s3://{bucket}/{k}" for k in keys if _is_archive(k.rsplit("/", 1)[-1]))
    folder = Path(target)
    if not folder.is_dir():
        return []
    return sorted(str(p) for p in folder.iterdir() if _is_archive(p.name))


def prune_archives(settings: Settings, keep: int, target: str = "") -> list[str]:
    """Delete all but the newest `keep` archives at the target; returns those deleted."""
    archives = list_archives(settings, target)
    old = archives[: max(0, len(archives) - keep)]
    for location in old:
        if location.startswith("s3://"):
            bucket, key = _split_s3(location)
            _s3(settings).delete_object(Bucket=bucket, Key=key)
        else:
            Path(location).unlink(missing_ok=True)
    return old


def _is_archive(name: str) -> bool:
    return name.startswith("flock-backup-") and name.endswith(SUFFIX)


def fetch_archive(settings: Settings, location: str, work_dir: Path) -> Path:
    """A local path to the archive (downloaded first when it is on S3)."""
    if not location.startswith("s3://"):
        return Path(location)
    bucket, key = _split_s3(location)
    local = work_dir / key.rsplit("/", 1)[-1]
    work_dir.mkdir(parents=True, exist_ok=True)
    _s3(settings).download_file(bucket, key, str(local))
    return local
