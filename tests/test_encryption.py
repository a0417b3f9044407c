"""Encryption at rest: e-mail addresses and image originals never reach Neo4j's files or the
media store in plain; log-in by e-mail and an address change go through the blind index; a key
rotation under load leaves everything readable, under the new key.

The e-mail addresses are 50 characters or more: Neo4j packs short strings into its records,
where a grep would miss even a plain one. A bio of the same length, stored plain on purpose, is
found by the same grep: the search is one that would find an address.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import threading
from pathlib import Path

import httpx
from helpers import flock_run, image_bytes, stack_env, upload
from neo4j import GraphDatabase


def long_email() -> str:
    address = f"someone.with.a.rather.long.name.{secrets.token_hex(8)}@example.org"
    assert len(address) >= 50
    return address


def files_holding(root: Path, needle: bytes) -> list[str]:
    """Every file under `root` whose bytes hold `needle` (store files, transaction logs)."""
    return [
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and needle in path.read_bytes()
    ]


def test_addresses_and_originals_are_not_in_the_files_in_plain(http, sign_up, settings, wait_until):
    email = long_email()
    bio = f"a plain bio that is long enough to be stored out of line {secrets.token_hex(8)}"
    user = sign_up(http, "en", email=email)
    assert http.patch("/api/users/me", json={"bio": bio}, headers=user["auth"]).status_code == 200
    original = image_bytes(size=(321, 123))
    uploaded = upload(http, user, original)
    assert uploaded.status_code == 201, uploaded.text
    neo4j_data = settings.var_dir / "neo4j" / "data"
    wait_until(lambda: files_holding(neo4j_data, bio.encode()), timeout=60)  # the grep works
    assert files_holding(neo4j_data, email.encode()) == []
    assert files_holding(neo4j_data, email.lower().encode()) == []
    assert files_holding(settings.media_path, original) == []
    assert files_holding(settings.media_path, original[100:200]) == []
    # ... and all of it reads back whole
    me = http.get("/api/users/me", headers=user["auth"]).json()
    assert me["email"] == email
    served = http.get(uploaded.json()["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"


def test_log_in_by_email_and_an_address_change_go_through_the_blind_index(http, sign_up):
    email, new = long_email(), long_email()
    user = sign_up(http, "ei", email=email)
    by_email = http.post(
        "/api/auth/token", json={"login": email.upper(), "password": user["password"]}
    )
    assert by_email.status_code == 200, by_email.text

    def change(who, address, password):
        body = {"email": address, "current_password": password}
        return http.put("/api/users/me/email", json=body, headers=who["auth"])

    wrong = change(user, new, "nope-nope")
    assert wrong.status_code == 401 and "current_password" in wrong.json()["errors"]
    changed = change(user, new, user["password"])
    assert changed.status_code == 200 and changed.json()["email"] == new
    old_login = http.post("/api/auth/token", json={"login": email, "password": user["password"]})
    assert old_login.status_code == 401
    new_login = http.post("/api/auth/token", json={"login": new, "password": user["password"]})
    assert new_login.status_code == 200
    other = sign_up(http, "ej")
    taken = change(other, new.upper(), other["password"])
    assert taken.status_code == 409 and "email" in taken.json()["errors"]


def test_a_key_rotation_under_load_keeps_everything_readable(tmp_path, sign_up, wait_until):
    """Prepend a new key and restart; `flock keys rotate` re-encrypts every address and
    original while clients log in by e-mail and read; then the old key can go."""
    env = stack_env(tmp_path / "var")
    var = Path(env["FLOCK_VAR_DIR"])
    var.mkdir()
    base = f"http://127.0.0.1:{env['FLOCK_PORT']}"
    with flock_run(env, wait_until=wait_until):
        with httpx.Client(base_url=base, timeout=60) as http:
            users = [sign_up(http, "rk", email=long_email()) for _ in range(6)]
            emails = {}
            for user in users:
                emails[user["username"]] = http.get("/api/users/me", headers=user["auth"]).json()[
                    "email"
                ]
            images = [
                upload(http, user, image_bytes(size=(64 + n, 48))).json()
                for n, user in enumerate(users[:3])
            ]
    old_key = (var / "data-key").read_text().strip()
    new_key = subprocess.run([sys.executable, "-m", "flock.cli", "keys", "new"], env=env,
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    (var / "data-key").write_text(f"{new_key},{old_key}")
    with flock_run(env, wait_until=wait_until):
        stop, failures = threading.Event(), []

        def load():
            with httpx.Client(base_url=base, timeout=60) as client:
                while not stop.is_set():
                    for user in users:
                        login = {"login": emails[user["username"]], "password": user["password"]}
                        answer = client.post("/api/auth/token", json=login)
                        if answer.status_code != 200:
                            failures.append(answer.status_code)

        thread = threading.Thread(target=load)
        thread.start()
        try:
            rotated = subprocess.run([sys.executable, "-m", "flock.cli", "keys", "rotate"], env=env,
                                     capture_output=True, text=True, timeout=300)  # fmt: skip
        finally:
            stop.set()
            thread.join(timeout=120)
        assert rotated.returncode == 0, rotated.stderr
        assert "nothing is left under another key" in rotated.stdout
        assert failures == []
        new_id = new_key.partition(":")[0]
        password = (var / "neo4j" / "password").read_text().strip()
        with GraphDatabase.driver(f"bolt://127.0.0.1:{env['FLOCK_NEO4J_BOLT_PORT']}",
                                  auth=("neo4j", password)) as neo:  # fmt: skip
            stored = [
                r["email"]
                for r in neo.execute_query("MATCH (u:User) RETURN u.email AS email").records
            ]
        assert stored and all(e.startswith(f"enc1:{new_id}:") for e in stored)
        originals = [(var / "media" / "media" / i["id"] / "original").read_bytes() for i in images]
        assert all(new_id.encode() in o[:40] for o in originals)
    (var / "data-key").write_text(new_key)  # the old key is gone
    with flock_run(env, wait_until=wait_until):
        with httpx.Client(base_url=base, timeout=60) as http:
            for user in users:
                login = {"login": emails[user["username"]], "password": user["password"]}
                pair = http.post("/api/auth/token", json=login)
                assert pair.status_code == 200, pair.text
                auth = {"Authorization": f"Bearer {pair.json()['access_token']}"}
                assert (
                    http.get("/api/users/me", headers=auth).json()["email"]
                    == emails[user["username"]]
                )
        rebuilt = subprocess.run([sys.executable, "-m", "flock.cli", "media", "rebuild"], env=env,
                                 capture_output=True, text=True, timeout=300)  # fmt: skip
        assert rebuilt.returncode == 0 and "3 image(s) rendered" in rebuilt.stdout, rebuilt.stdout
