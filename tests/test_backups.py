"""Backups as an operator runs them: the restore drill (a random history, a backup, the data
directory destroyed, a restore into a new stack on new ports, everything compared), archives
that must be refused, writes around a backup, the write pause, scheduled backups with their
retention and metric, and archives on S3."""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import httpx
import pytest
import redis
from helpers import cold_pages, hot_pages, shown, upload
from neo4j import GraphDatabase

from flock.core.pause import paused_reason
from flock.core.settings import Settings, new_data_key
from flock.stack.processes import free_port
from flock.stack.stack import Stack


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("FLOCK_")}


# The data keys an operator keeps away from the machine, with the backup key: a restore onto a
# new disk is given them (archives never hold them).
DATA_KEY, DATA_INDEX_KEY = new_data_key(), secrets.token_urlsafe(32)


def new_stack_env(var_dir: Path, key: str) -> dict[str, str]:
    """A person's shell for a stack of its own: a data directory, free ports, the backup key
    and the data keys."""
    return {
        **clean_env(),
        "FLOCK_VAR_DIR": str(var_dir),
        "FLOCK_BACKUP_KEY": key,
        "FLOCK_DATA_KEY": DATA_KEY,
        "FLOCK_DATA_INDEX_KEY": DATA_INDEX_KEY,
        "FLOCK_POSTS_PER_HOUR": "100000",
        "FLOCK_UPLOADS_PER_HOUR": "1000",
        "FLOCK_SIGNUPS_PER_HOUR_PER_ADDRESS": "100000",
        "FLOCK_FANOUT_LIMIT": "3",  # big accounts merged at read time, as in the main suite
        **{
            f"FLOCK_{name}": str(free_port())
            for name in (
                "PORT",
                "NEO4J_BOLT_PORT",
                "REDIS_PORT",
                "TYPESENSE_PORT",
                "TYPESENSE_PEERING_PORT",
            )
        },  # fmt: skip
    }


def flock(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flock.cli", *args],
        env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


@pytest.fixture(scope="module")
def backup_key() -> str:
    made = flock("backup", "keygen", env=clean_env())
    assert made.returncode == 0, made.stderr
    return made.stdout.strip().splitlines()[-1]


def graph_dump(settings: Settings) -> tuple[list[str], list[str]]:
    """Every node and relationship with all its labels and properties, sorted: two graphs are
    equal when their dumps are (element ids differ between databases, so they are left out).
    The audit trail is compared on its own: backups and restores add to it."""
    with GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        notifications_min_severity="OFF",
    ) as driver:
        nodes = driver.execute_query(
            "MATCH (n) WHERE NOT n:AuditEvent AND NOT n:AuditHead "
            "RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props"
        ).records
        keys = {
            r["id"]: json.dumps([sorted(r["labels"]), r["props"]], sort_keys=True) for r in nodes
        }
        rels = driver.execute_query(
            "MATCH (a)-[r]->(b) WHERE NOT a:AuditEvent AND NOT a:AuditHead "
            "RETURN elementId(a) AS a, type(r) AS type, "
            "properties(r) AS props, elementId(b) AS b"
        ).records
    edges = [
        json.dumps([keys[r["a"]], r["type"], r["props"], keys[r["b"]]], sort_keys=True)
        for r in rels
    ]
    return sorted(keys.values()), sorted(edges)


def drain(settings: Settings, timeout: float = 120) -> None:
    import redis
    from rq import Queue
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry

    with redis.Redis.from_url(settings.redis_url) as connection:
        queue = Queue("default", connection=connection)
        deadline = time.monotonic() + timeout
        while any(
            [
                ScheduledJobRegistry(queue=queue).count,
                queue.count,
                connection.llen(queue.intermediate_queue_key),
                StartedJobRegistry(queue=queue).count,
            ]
        ):
            assert time.monotonic() < deadline, "the worker did not drain the queue"
            time.sleep(0.05)


def random_history(http: httpx.Client, sign_up, rng: random.Random) -> dict:
    """A few dozen users posting, replying, liking, following, reposting, bookmarking, editing,
    deleting, attaching images, blocking and leaving. Returns what must survive: the users
    (with their tokens), every live post's search word, every live image's id."""
    users = [sign_up(http, "dr") for _ in range(30)]
    words: dict[str, str] = {}  # post id -> its word
    owned: dict[str, list[tuple[str, str]]] = {u["username"]: [] for u in users}
    images: dict[str, str] = {}  # media id -> post id
    for user in users:
        http.get("/api/timeline", headers=user["auth"])  # active: their feeds are built
    for step in range(360):
        actor = rng.choice(users)
        everyone = [item for items in owned.values() for item in items]
        roll = rng.random()
        if step == 200:  # an account leaves, with its posts
            assert http.request(
                "DELETE", "/api/users/me", json={"password": actor["password"]},
                headers=actor["auth"],
            ).status_code == 204  # fmt: skip
            users.remove(actor)
            for _, post_id in owned.pop(actor["username"]):
                words.pop(post_id, None)
            images = {m: p for m, p in images.items() if p in words}
        elif roll < 0.2:
            other = rng.choice(users)
            if other is not actor:
                http.put(f"/api/users/{other['username']}/follow", headers=actor["auth"])
        elif roll < 0.4 or not everyone:
            word = f"drill{secrets.token_hex(5)}"
            body = {"text": f"{word} at step {step}"}
            media_id = None
            if rng.random() < 0.12:
                colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
                picture = upload(http, actor, _picture(colour, rng))
                assert picture.status_code == 201, picture.text
                media_id = picture.json()["id"]
                body["media_ids"] = [media_id]
            made = http.post("/api/tweets", json=body, headers=actor["auth"])
            assert made.status_code == 201, made.text
            words[made.json()["id"]] = word
            owned[actor["username"]].append(("tweets", made.json()["id"]))
            if media_id:
                images[media_id] = made.json()["id"]
        elif roll < 0.5:
            collection, parent = rng.choice(everyone)
            word = f"drill{secrets.token_hex(5)}"
            made = http.post(
                f"/api/{collection}/{parent}/replies", json={"text": word}, headers=actor["auth"]
            )
            if made.status_code == 201:
                words[made.json()["id"]] = word
                owned[actor["username"]].append(("replies", made.json()["id"]))
        elif roll < 0.65:
            collection, post_id = rng.choice(everyone)
            verb = http.put if rng.random() < 0.8 else http.delete
            verb(f"/api/{collection}/{post_id}/like", headers=actor["auth"])
        elif roll < 0.72:
            collection, post_id = rng.choice(everyone)
            http.put(f"/api/{collection}/{post_id}/repost", headers=actor["auth"])
        elif roll < 0.76:
            collection, post_id = rng.choice(everyone)
            http.put(f"/api/{collection}/{post_id}/bookmark", headers=actor["auth"])
        elif roll < 0.78:
            other = rng.choice(users)
            if other is not actor:
                http.put(f"/api/users/{other['username']}/mute", headers=actor["auth"])
        elif roll < 0.88 and owned[actor["username"]]:
            collection, own = rng.choice(owned[actor["username"]])
            word = words[own]
            edited = http.patch(
                f"/api/{collection}/{own}", json={"text": f"edited {word}"}, headers=actor["auth"]
            )
            assert edited.status_code == 200, edited.text
        elif owned[actor["username"]]:
            collection, own = owned[actor["username"]].pop(
                rng.randrange(len(owned[actor["username"]]))
            )
            assert http.delete(f"/api/{collection}/{own}", headers=actor["auth"]).status_code == 204
            words.pop(own)
            images = {m: p for m, p in images.items() if p != own}
    return {"users": users, "words": words, "images": sorted(images)}


def _picture(colour, rng) -> bytes:
    import io

    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (rng.randrange(300, 900), rng.randrange(300, 900)), colour)
    ImageDraw.Draw(picture).ellipse((20, 20, 200, 160), fill=(255, 255, 255))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def served_images(http: httpx.Client, media_ids: list[str]) -> dict[str, bytes]:
    found = {}
    for media_id in media_ids:
        for suffix in ("", "/thumb"):
            response = http.get(f"/media/{media_id}{suffix}")
            assert response.status_code == 200, (media_id, suffix, response.status_code)
            found[f"{media_id}{suffix}"] = response.content
    return found


def originals(settings: Settings, media_ids: list[str]) -> dict[str, bytes]:
    return {m: (settings.media_path / "media" / m / "original").read_bytes() for m in media_ids}


@dataclass
class Drill:
    """A random history backed up from a first stack whose disk is then lost, restored into a
    second stack on new ports (running for the drill's tests), with what the first showed."""

    archive: Path
    env: dict[str, str]  # the second stack's, its URLs included
    settings: Settings
    made: dict
    before_graph: tuple
    before_pages: dict
    before_images: dict
    before_originals: dict


@pytest.fixture(scope="module")
def drill(tmp_path_factory, backup_key, sign_up):
    """The restore drill: back up, destroy the data directory, restore into a new stack. The
    tests below each check one promise of it, over the one restored stack."""
    tmp_path = tmp_path_factory.mktemp("drill")
    first_var, second_var = tmp_path / "first", tmp_path / "second"
    first_env = new_stack_env(first_var, backup_key)
    first = Stack(Settings.from_env(first_env))
    settings = first.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{settings.port}", timeout=60) as http:
            made = random_history(http, sign_up, random.Random(20261127))
            drain(settings)
            before_pages = {u["username"]: hot_pages(http, u, whole=True) for u in made["users"]}
            before_images = served_images(http, made["images"])
        before_originals = originals(settings, made["images"])
        drain(settings)
        before = graph_dump(settings)
        archives = tmp_path / "archives"
        backed_up = flock("backup", "--to", str(archives), env={**first_env, **settings.as_env()})
        assert backed_up.returncode == 0, backed_up.stderr
        assert "graph writes paused" in backed_up.stdout
    finally:
        first.stop()
    shutil.rmtree(first_var)  # the disk is lost
    (archive,) = archives.iterdir()
    assert archive.stat().st_mode & 0o077 == 0  # for its owner only

    second_env = new_stack_env(second_var, backup_key)
    restored = flock("restore", str(archive), env=second_env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "restored" in restored.stdout and "rebuilt" in restored.stdout
    second = Stack(Settings.from_env(second_env))
    settings = second.start()
    try:
        yield Drill(
            archive, {**second_env, **settings.as_env()}, settings, made, before,
            before_pages, before_images, before_originals,
        )  # fmt: skip
    finally:
        second.stop()


@pytest.fixture
def restored_http(drill):
    with httpx.Client(base_url=f"http://127.0.0.1:{drill.settings.port}", timeout=60) as http:
        yield http


def test_a_restore_gives_back_the_same_graph_and_audit_trail(drill):
    """The same graph to the last property; the audit chain whole, key and all."""
    assert graph_dump(drill.settings) == drill.before_graph
    trail = flock("audit", "verify", env=drill.env)
    assert trail.returncode == 0, trail.stderr
    signups = flock("audit", "--event", "signup", "--limit", "1000", env=drill.env)
    assert len(signups.stdout.splitlines()) == len(drill.made["users"]) + 1  # one account left


def test_restored_timelines_equal_the_original_and_the_cold_path(drill, restored_http):
    """The tokens issued before the backup still work; every page as it was, and as Cypher
    computes it."""
    with GraphDatabase.driver(
        drill.settings.neo4j_uri,
        auth=(drill.settings.neo4j_user, drill.settings.neo4j_password),
        notifications_min_severity="OFF",
    ) as neo:
        for user in drill.made["users"]:
            pages = hot_pages(restored_http, user, whole=True)
            assert pages == drill.before_pages[user["username"]], user["username"]
            assert shown(pages) == cold_pages(neo, user, whole=True), user["username"]


def test_restored_posts_are_found_by_search(drill, restored_http):
    for post_id, word in drill.made["words"].items():
        found = restored_http.get("/api/search", params={"q": word, "type": "tweets"})
        assert found.status_code == 200, found.text
        assert [p["id"] for p in found.json()["items"]][:1] == [post_id], word


def test_restored_images_are_the_same_byte_for_byte(drill, restored_http):
    assert len(drill.made["images"]) >= 3
    assert originals(drill.settings, drill.made["images"]) == drill.before_originals
    assert served_images(restored_http, drill.made["images"]) == drill.before_images


def test_bad_archives_change_nothing(drill, tmp_path):
    """A wrong key, a flipped byte and a cut-off archive are each refused before anything is
    touched, even with --force on a running stack."""
    env, archive = drill.env, drill.archive
    now = graph_dump(drill.settings)
    data = archive.read_bytes()
    flipped = tmp_path / "flipped.tar.age"
    flipped.write_bytes(data[:5000] + bytes([data[5000] ^ 1]) + data[5001:])
    cut = tmp_path / "cut.tar.age"
    cut.write_bytes(data[: len(data) * 2 // 3])
    other_key = flock("backup", "keygen", env=clean_env()).stdout.strip().splitlines()[-1]
    cases = [
        (archive, {"FLOCK_BACKUP_KEY": other_key}, "does not open this archive"),
        (archive, {"FLOCK_BACKUP_KEY": ""}, "FLOCK_BACKUP_KEY is not set"),
        (flipped, {}, "damaged or incomplete"),
        (cut, {}, "damaged or incomplete"),
    ]
    for path, change, message in cases:
        for command in (["backup", "verify", str(path)], ["restore", "--force", str(path)]):
            refused = flock(*command, env={**env, **change})
            assert refused.returncode == 1, (command, refused.stdout)
            assert message in refused.stderr, (command, refused.stderr)
    wrong_keys = [
        ({"FLOCK_DATA_KEY": new_data_key()}, "FLOCK_DATA_KEY does not open this archive"),
        ({"FLOCK_DATA_INDEX_KEY": "another"}, "FLOCK_DATA_INDEX_KEY does not match"),
        ({"FLOCK_DATA_KEY": "", "FLOCK_VAR_DIR": str(tmp_path / "empty")}, "must be the data keys"),
    ]
    for change, message in wrong_keys:
        refused = flock("restore", "--force", str(archive), env={**env, **change})
        assert refused.returncode == 1 and message in refused.stderr, refused.stderr
    over = flock("restore", str(archive), env=env)  # sound, but the graph is not empty
    assert over.returncode == 1 and "the graph is not empty" in over.stderr
    assert graph_dump(drill.settings) == now
    assert flock("backup", "verify", str(archive), env=env).returncode == 0


def test_writes_around_a_backup_are_kept_or_refused_with_retry_after(
    drill, restored_http, tmp_path, wait_until
):
    """While a backup runs, reads are served and a write is either acknowledged or refused
    with a 503 that says when to retry; every write acknowledged before the backup began is
    in it (restored over the running stack with --force, which also brings back the state).
    Last of the drill: it restores over the drill's stack."""
    env, author = drill.env, drill.made["users"][0]
    acknowledged: list[tuple[float, str]] = []
    refused, read_failures, stop = [], [], threading.Event()
    base_url = str(restored_http.base_url)

    def write():
        with httpx.Client(base_url=base_url, timeout=60) as client:
            for n in range(100_000):
                if stop.is_set():
                    return
                made = client.post("/api/tweets", json={"text": f"during {n}"},
                                   headers=author["auth"])  # fmt: skip
                if made.status_code == 201:
                    acknowledged.append((time.monotonic(), made.json()["id"]))
                else:
                    refused.append(made)

    def read():
        with httpx.Client(base_url=base_url, timeout=60) as client:
            while not stop.is_set():
                page = client.get("/api/timeline", headers=author["auth"])
                if page.status_code != 200:
                    read_failures.append(page.status_code)

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: len(acknowledged) >= 5, timeout=120)
        started = time.monotonic()
        backed_up = flock("backup", "--to", str(tmp_path / "during"), env=env)
        assert backed_up.returncode == 0, backed_up.stderr
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    assert read_failures == []
    for response in refused:
        assert response.status_code == 503, response.text
        assert int(response.headers["Retry-After"]) > 0
        assert response.headers["content-type"] == "application/problem+json"
    (archive,) = (tmp_path / "during").iterdir()
    back = flock("restore", "--force", str(archive), env=env)
    assert back.returncode == 0, back.stdout + back.stderr
    for at, post_id in acknowledged:
        if at < started:
            assert restored_http.get(f"/api/tweets/{post_id}").status_code == 200, post_id


def test_writes_pause_and_resume(flock_cli, http, new_user, visitor):
    """`flock writes pause`: the site stays up read-only (the API answers writes 503 with
    Retry-After; a web form keeps its text and says why); `flock writes resume` lets writes in
    again."""
    user = new_user("pz")
    browser = visitor()
    kept = http.post("/api/tweets", json={"text": "before the pause"}, headers=user["auth"])
    paused = flock_cli("writes", "pause", "--seconds", "120")
    assert paused.returncode == 0, paused.stderr
    try:
        refused = http.post("/api/tweets", json={"text": "during"}, headers=user["auth"])
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["Retry-After"]) > 0
        assert http.get("/api/timeline", headers=user["auth"]).status_code == 200
        assert http.get(f"/api/tweets/{kept.json()['id']}").status_code == 200
        liked = http.put(f"/api/tweets/{kept.json()['id']}/like", headers=user["auth"])
        assert liked.status_code == 503
        assert "read-only" in liked.json()["detail"]
        form = browser.post("/compose", {"text": "my unsent thoughts"})
        assert form.status_code == 422
        assert "my unsent thoughts" in form.text and "read-only" in form.text
        assert browser.get("/").status_code == 200
        assert browser.get("/notifications").status_code == 200
    finally:
        resumed = flock_cli("writes", "resume")
    assert resumed.returncode == 0, resumed.stderr
    made = http.post("/api/tweets", json={"text": "after"}, headers=user["auth"])
    assert made.status_code == 201, made.text


def test_backup_without_a_key_is_refused_and_says_how(flock_cli):
    refused = flock_cli("backup", env={"FLOCK_BACKUP_KEY": ""})
    assert refused.returncode == 1
    assert "flock backup keygen" in refused.stderr


def test_scheduled_backups_keep_the_newest_and_report_the_last(
    settings, backup_key, base_url, tmp_path, wait_until
):
    """A worker with FLOCK_BACKUP_EVERY_HOURS backs up on its own, keeps FLOCK_BACKUP_KEEP
    archives, and /metrics says when the last good one was made."""
    started = time.time()
    target = tmp_path / "scheduled"
    env = {
        **os.environ,
        **settings.as_env(),
        "FLOCK_BACKUP_KEY": backup_key,
        "FLOCK_BACKUP_TO": str(target),
        "FLOCK_BACKUP_EVERY_HOURS": str(2.5 / 3600),  # every 2.5 seconds
        "FLOCK_BACKUP_KEEP": "2",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flock.cli", "worker", "--name", f"backups-{time.time_ns()}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seen: set[str] = set()

    def three_made_two_kept() -> bool:
        now = {p.name for p in target.glob("flock-backup-*.tar.age")} if target.exists() else set()
        seen.update(now)
        return len(seen) >= 3 and len(now) == 2 and min(now) > min(seen)

    try:
        wait_until(three_made_two_kept, timeout=120)
    finally:
        _stop(worker)
        with redis.Redis.from_url(settings.redis_url) as r:  # a backup it was making ends
            wait_until(lambda: paused_reason(r) is None, timeout=60)
    metrics = httpx.get(f"{base_url}/metrics").text
    line = next(
        x for x in metrics.splitlines()
        if x.startswith("flock_backup_last_success_timestamp_seconds ")
    )  # fmt: skip
    assert float(line.split()[1]) >= started
    newest = max(target.glob("flock-backup-*.tar.age"))
    verified = flock("backup", "verify", str(newest), env={**env})
    assert verified.returncode == 0, verified.stderr


def test_archives_on_s3(flock_cli, backup_key):
    """`--to s3://bucket/prefix`: the archive is uploaded, listed and verified from there."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    aws = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
    try:
        endpoint = f"http://127.0.0.1:{port}"
        s3 = boto3.client("s3", endpoint_url=endpoint, **_keys(aws))
        s3.create_bucket(Bucket="flock-backups")
        env = {**aws, "FLOCK_BACKUP_KEY": backup_key, "FLOCK_S3_ENDPOINT_URL": endpoint}
        made = flock_cli("backup", "--to", "s3://flock-backups/nightly", env=env)
        assert made.returncode == 0, made.stderr
        listed = flock_cli("backup", "list", "--to", "s3://flock-backups/nightly", env=env)
        (location,) = listed.stdout.split()
        assert location.startswith("s3://flock-backups/nightly/flock-backup-")
        assert location in made.stdout
        verified = flock_cli("backup", "verify", location, env=env)
        assert verified.returncode == 0, verified.stderr
        assert "good" in verified.stdout
    finally:
        server.stop()


def _keys(aws: dict[str, str]) -> dict[str, str]:
    return {
        "aws_access_key_id": aws["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": aws["AWS_SECRET_ACCESS_KEY"],
        "region_name": aws["AWS_DEFAULT_REGION"],
    }


def _stop(worker: subprocess.Popen) -> None:
    """Stop a worker (a warm stop, finishing what it runs; killed if that takes over a
    minute: on a loaded machine a backup in the middle of its export may), so that it never
    outlives its test and goes on pausing the shared stack's writes."""
    worker.terminate()
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=30)
