"""Two origins for the widget's browser tests, without Rasa: a host page (the Commissioner's site) on one port and
the real web app (`python -m bot web`) on another, which relays to a small fake Rasa the test can take down."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import PROJECT_ROOT
from bot.stack import free_port

HOST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>The Commissioner's site</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src {api}; style-src {api};
 connect-src {api}; img-src 'self'">
</head><body>
<h1>Hertfordshire Police and Crime Commissioner</h1>
<p><a href="#news" id="news">News</a></p>
<script src="{api}/static/widget.js" data-api="{api}" defer></script>
</body></html>
"""


@dataclass
class FakeRasa:
    """Echoes like Rasa's REST channel; `down` makes it hang up on every request, as a dead Rasa would, `delay` slow."""

    down: bool = False
    delay: float = 0.0  # seconds before answering a message (a turn queued behind a dead replica's lock)
    received: list[dict] = field(default_factory=list)
    answered: list[dict] = field(default_factory=list)  # the messages whose answer it has sent

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _reply(self, body: object) -> None:
                if fake.down:
                    self.close_connection = True
                    self.connection.close()  # no answer at all: the relay's client sees the connection go
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._reply({} if self.path.startswith("/conversations/") else "Hello from Rasa: 3.6.21")

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.received.append(body)
                time.sleep(fake.delay)
                self._reply([{"recipient_id": body["sender"], "text": f"echo: {body['message']}"}])
                fake.answered.append(body)

        return Handler


@dataclass
class EdgeServers:
    """Where the two origins are, and the fake Rasa behind the web app."""

    site: str  # the host page's origin
    api: str  # the web app's origin
    rasa: FakeRasa

    def forget(self, sender: str) -> int:
        """Forget a conversation through the web app, as the quick exit in another tab would."""
        request = urllib.request.Request(f"{self.api}/api/chat/{sender}", method="DELETE")
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status


def _serve(server: http.server.ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@contextmanager
def edge_servers(work_dir: Path, **env: str) -> Iterator[EdgeServers]:
    """Start the fake Rasa, the web app and the host page; stop them afterwards."""
    rasa = FakeRasa()
    rasa_server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), rasa.handler())
    site_port, web_port = free_port(), free_port()
    site, api = f"http://127.0.0.1:{site_port}", f"http://localhost:{web_port}"  # two origins
    page = HOST_PAGE.replace("{api}", api).encode()

    class Site(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

    site_server = http.server.ThreadingHTTPServer(("127.0.0.1", site_port), Site)
    app_env = {
        **os.environ,
        "BOT_VAR_DIR": str(work_dir),
        "DATABASE_URL": "",
        "BOT_WEB_PORT": str(web_port),
        "BOT_RASA_PORT": str(rasa_server.server_address[1]),
        "BOT_ACTIONS_PORT": str(free_port()),
        "BOT_CORS_ORIGINS": site,
        "BOT_SECURE_COOKIES": "false",
        **env,
    }
    bot = [sys.executable, "-m", "bot"]
    subprocess.run([*bot, "db", "upgrade"], env=app_env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    threads = [_serve(rasa_server), _serve(site_server)]
    log = (work_dir / "web.log").open("wb")
    web = subprocess.Popen([*bot, "web"], env=app_env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{api}/static/widget.js", timeout=2):
                    break
            except OSError:
                if web.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((work_dir / "web.log").read_text()) from None
                time.sleep(0.2)
        yield EdgeServers(site, api, rasa)
    finally:
        web.terminate()
        web.wait(timeout=20)
        log.close()
        for server in (rasa_server, site_server):
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join(timeout=5)
