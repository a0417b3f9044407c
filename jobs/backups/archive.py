"""The backup archive: a tar of named parts and a manifest, encrypted with age.

On disk an archive is `flock-backup-<UTC time>.tar.age`: the age format (pyrage), encrypted to
the public half of the age identity in FLOCK_BACKUP_KEY. age authenticates every 64 KiB chunk
and the end of the stream, so a wrong key, a changed byte or a cut-off file is refused while
decrypting. Inside, a tar holds the parts (`graph.jsonl.gz`, `media/<id>/original`,
`secrets/<name>`) and, last, `manifest.json`: versions, time, counts, and the SHA-256 and size
of every part, checked again after decryption before anything is restored.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

import pyrage
from pyrage import x25519

FORMAT = "flock-backup/1"
MANIFEST = "manifest.json"
SUFFIX = ".tar.age"
CHUNK = 1024 * 1024

# A progress stage: `with stage("Exporting", total) as advance: advance(n)`.
Stage = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


@contextmanager
def quiet_stage(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A stage that shows nothing (scheduled backups log their outcome instead)."""
    yield lambda n: None


class ArchiveRefused(Exception):
    """The archive cannot be used: wrong key, damaged, cut off, or not a Flock backup."""


class KeyMissing(Exception):
    """No usable FLOCK_BACKUP_KEY."""


def new_key() -> tuple[str, str]:
    """A new age identity (the secret FLOCK_BACKUP_KEY) and its public recipient."""
    identity = x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def identity_from(key: str) -> x25519.Identity:
    if not key:
        raise KeyMissing(
            "FLOCK_BACKUP_KEY is not set: backups are encrypted. Make a key with "
            "`flock backup keygen`, keep a copy somewhere other than this machine, and set "
            "FLOCK_BACKUP_KEY to it."
        )
    try:
        return x25519.Identity.from_str(key.strip())
    except pyrage.IdentityError:
        raise KeyMissing(
            "FLOCK_BACKUP_KEY is not an age identity (AGE-SECRET-KEY-1...); "
            "`flock backup keygen` makes one."
        ) from None


def archive_name(at: float) -> str:
    return time.strftime("flock-backup-%Y%m%dT%H%M%SZ", time.gmtime(at)) + SUFFIX


# ----------------------------------------------------------------------------- writing


class ArchiveWriter:
    """Add parts, then `close(manifest, stage)` to write the manifest and encrypt."""

    def __init__(self, plain_path: Path):
        self.plain_path = plain_path
        self.tar = tarfile.open(plain_path, "w", format=tarfile.PAX_FORMAT)
        self.parts: dict[str, dict[str, Any]] = {}

    def add_bytes(self, name: str, data: bytes) -> None:
        self._add(name, io.BytesIO(data), len(data))

    def add_file(self, name: str, path: Path) -> None:
        with open(path, "rb") as source:
            self._add(name, source, path.stat().st_size)

    def _add(self, name: str, source: IO[bytes], size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(time.time()), 0o600
        hashing = _Hashing(source)
        self.tar.addfile(info, hashing)
        self.parts[name] = {"sha256": hashing.hexdigest(), "bytes": size}

    def close(self, manifest: dict[str, Any], out: Path, key: str, stage: Stage) -> Path:
        """Write the manifest, encrypt the tar to `out` (atomically), remove the plain tar."""
        manifest = {"format": FORMAT, **manifest, "parts": self.parts}
        self.add_bytes(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        self.parts.pop(MANIFEST)
        self.tar.close()
        recipient = identity_from(key).to_public()
        partial = out.with_name(out.name + ".partial")
        size = self.plain_path.stat().st_size
        try:
            with (
                stage("Encrypting", size) as advance,
                open(self.plain_path, "rb") as plain,
                _private(partial) as sealed,
            ):
                pyrage.encrypt_io(_Counting(plain, advance), sealed, [recipient])
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
            self.plain_path.unlink(missing_ok=True)
        return out


# ----------------------------------------------------------------------------- reading


@dataclass
class OpenedArchive:
    """A decrypted archive whose every part matched the manifest."""

    manifest: dict[str, Any]
    plain_path: Path

    def part_names(self, prefix: str) -> list[str]:
        return sorted(name for name in self.manifest["parts"] if name.startswith(prefix))

    @contextmanager
    def reading(self) -> Iterator[Callable[[str], IO[bytes]]]:
        """`with archive.reading() as open_part: open_part("graph.jsonl.gz").read()`."""
        with tarfile.open(self.plain_path, "r") as tar:

            def open_part(name: str) -> IO[bytes]:
                member = tar.extractfile(name)
                if member is None:
                    raise ArchiveRefused(f"the archive has no part {name}")
                return member

            yield open_part

    def discard(self) -> None:
        self.plain_path.unlink(missing_ok=True)


def open_archive(path: Path, key: str, work_dir: Path, stage: Stage) -> OpenedArchive:
    """Decrypt into work_dir and check every part against the manifest; raises ArchiveRefused
    (nothing is left behind) or KeyMissing."""
    identity = identity_from(key)
    if not path.is_file():
        raise ArchiveRefused(f"{path}: no such file")
    work_dir.mkdir(parents=True, exist_ok=True)
    plain = work_dir / (path.name.removesuffix(".age") + ".plain")
    try:
        with (
            stage("Decrypting", path.stat().st_size) as advance,
            open(path, "rb") as sealed,
            open(plain, "wb") as out,
        ):
            pyrage.decrypt_io(_Counting(sealed, advance), out, [identity])
        with stage("Checking", plain.stat().st_size) as advance:
            manifest = _check_parts(plain, advance)
    except pyrage.DecryptError as error:
        plain.unlink(missing_ok=True)
        raise ArchiveRefused(
            f"{path.name}: FLOCK_BACKUP_KEY does not open this archive ({error}); "
            "use the key it was made with"
        ) from None
    except (OSError, ValueError) as error:  # pyrage reports a bad chunk or a cut-off as OSError
        plain.unlink(missing_ok=True)
        raise ArchiveRefused(f"{path.name}: damaged or incomplete ({error})") from None
    except BaseException:
        plain.unlink(missing_ok=True)
        raise
    return OpenedArchive(manifest, plain)


def _check_parts(plain: Path, advance: Callable[[int], None]) -> dict[str, Any]:
    seen: dict[str, dict[str, Any]] = {}
    manifest = None
    try:
        with tarfile.open(plain, "r") as tar:
            for member in tar:
                name = member.name
                if not member.isfile() or not _safe(name) or name in seen:
                    raise ArchiveRefused(f"the archive holds an unexpected entry {name!r}")
                source = tar.extractfile(member)
                assert source is not None
                if name == MANIFEST:
                    manifest = json.loads(source.read())
                    continue
                digest = hashlib.sha256()
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    advance(len(chunk))
                seen[name] = {"sha256": digest.hexdigest(), "bytes": member.size}
    except tarfile.TarError as error:
        raise ArchiveRefused(f"the archive's contents are damaged ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveRefused("not a Flock backup (no manifest of format flock-backup/1)")
    listed = manifest.get("parts", {})
    for name in sorted(set(listed) | set(seen)):
        if listed.get(name) != seen.get(name):
            raise ArchiveRefused(f"part {name} does not match the manifest's checksum")
    return manifest


def _private(path: Path) -> IO[bytes]:
    """A new file only its owner may read."""
    return open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


class _Hashing(io.RawIOBase):
    """Reads through to `source`, hashing what passes."""

    def __init__(self, source: IO[bytes]):
        self.source, self.digest = source, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        return data

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


class _Counting(io.RawIOBase):
    """Reads through to `source`, reporting how many bytes passed."""

    def __init__(self, source: IO[bytes], advance: Callable[[int], None]):
        self.source, self.advance = source, advance

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.source.read(len(buffer))
        buffer[: len(data)] = data
        self.advance(len(data))
        return len(data)
