"""REDIS_URL reaches Rasa's lock store whole: an ACL username, TLS (rediss://) and unix sockets are kept.

One real redis-server (as tests/conftest.py's redis_server, Debian's package) with the default user off, a user
with a password, a TLS port and a unix socket. bot/supervisor.py gives each URL to Rasa through endpoints.yml;
the probe (lock_store_url_probe.py, in .venv-rasa) makes the store as Rasa does and issues and returns a ticket.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis

from bot import supervisor
from bot.settings import Settings
from bot.stack import free_port
from tests.conftest import REDIS_SERVER

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("lock_store_url_probe.py")
USER, PASSWORD = "app", "s3cr@t:/pw"  # characters a URL must escape
AUTH = f"{USER}:{quote(PASSWORD, safe='')}"


def _certificate(work: Path) -> Path:
    """A self-signed certificate for 127.0.0.1 (its own CA); returns its path, the key beside it."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(work / "tls.key"), "-out", str(work / "tls.crt")],
        check=True, capture_output=True,
    )  # fmt: skip
    return work / "tls.crt"


@pytest.fixture(scope="module")
def urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """REDIS_URLs for one server, by transport; only the user `app` may connect."""
    if not Path(REDIS_SERVER).exists():
        pytest.fail(f"{REDIS_SERVER} is missing: install Debian's redis-server (`make redis`; make test does)")
    work = tmp_path_factory.mktemp("redis-acl")
    cert, port, tls_port = _certificate(work), free_port(), free_port()
    config = work / "redis.conf"
    config.write_text(
        f"bind 127.0.0.1\nport {port}\ntls-port {tls_port}\ntls-cert-file {cert}\ntls-key-file {work / 'tls.key'}\n"
        f"tls-ca-cert-file {cert}\ntls-auth-clients no\nunixsocket {work / 'redis.sock'}\nunixsocketperm 700\n"
        f'save ""\nappendonly no\ndir {work}\nuser default off\nuser {USER} on >{PASSWORD} ~* &* +@all\n'
    )
    process = subprocess.Popen([REDIS_SERVER, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    found = {
        "tcp": f"redis://{AUTH}@127.0.0.1:{port}/3",
        "unix": f"unix://{AUTH}@{work / 'redis.sock'}?db=4",
        "tls": f"rediss://{AUTH}@127.0.0.1:{tls_port}/5?ssl_ca_certs={cert}",
    }
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if redis.Redis.from_url(found["tcp"], socket_timeout=1).ping():
                    break
            except redis.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.1)
        yield found
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def probe(urls: dict[str, str]) -> tuple[dict[str, dict], str]:
    """What each URL's lock store did, made from endpoints.yml with the supervisor's variables; and the output."""
    envs = {name: supervisor.lock_store_env(Settings.from_env({"REDIS_URL": url})) for name, url in urls.items()}
    others = {"BOT_ACTIONS_PORT": "1", "BOT_TRACKER_URL": "sqlite://"}  # endpoints.yml's other sections, unused
    result = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), str(PROBE), json.dumps(envs)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, **others},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stdout + result.stderr


def test_the_supervisor_passes_the_whole_url():
    for url in ("redis://app:pw%40x@127.0.0.1:6390/2", "rediss://app:pw@redis.example:6380/0", "unix:///run/r.sock"):
        env = supervisor.lock_store_env(Settings.from_env({"REDIS_URL": url}))
        assert env == {"BOT_LOCK_STORE": "rasa_addons.lock_store.LivenessLockStore", "BOT_LOCK_STORE_URL": url}


def test_the_control_the_default_user_is_refused(urls):
    # The split settings used to reach the server this way (no username): ACL refuses it, so the tests below prove
    # the username went through.
    bare = urls["tcp"].replace(f"{USER}:", ":")
    with pytest.raises(redis.AuthenticationError):
        redis.Redis.from_url(bare, socket_timeout=2).ping()


@pytest.mark.parametrize(("name", "connection", "db"), [
    ("tcp", "Connection", 3), ("unix", "UnixDomainSocketConnection", 4), ("tls", "SSLConnection", 5),
])  # fmt: skip
def test_the_lock_store_issues_and_returns_a_ticket_through_the_url(probe, name, connection, db):
    seen = probe[0][name]
    assert "error" not in seen, seen["error"]
    made = (seen["class"], seen["connection_class"], seen["username"], seen["db"])
    assert made == ("LivenessLockStore", connection, USER, db)
    assert (seen["held"], seen["left"]) == (1, 0)
    assert seen["socket_timeout"] == 10  # Rasa's, as before
    assert seen["key_prefix"] == "bot:lock:"  # endpoints.yml's key_prefix, as before


def test_the_password_is_never_in_the_output(probe):
    _, output = probe
    assert "DEBUG" in output  # the probe logged everything
    assert PASSWORD not in output and quote(PASSWORD, safe="") not in output
    assert all(PASSWORD not in seen["repr"] for seen in probe[0].values())
