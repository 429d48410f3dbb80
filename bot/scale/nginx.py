"""nginx in front of the replicas: the public listener balancing the web apps, and loopback listeners that pair
each web app with a Rasa replica and each Rasa replica with an action server, the other one as backup.

Pairing makes a replica addressable (a drill can force a turn through web 2 and so Rasa 2), while the backup
keeps a conversation going when a replica dies: a refused connection goes to the other one. A request that
was already sent is never retried elsewhere (POST is not idempotent; the relay apologises instead).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

LIVE_PATH = "/nginx-live"  # answered by nginx itself: the supervisor's probe, whatever the replicas are doing
MAX_BODY = "64k"  # the web app refuses more anyway (bot/web/app.py MAX_BODY_BYTES)
INTERNAL_MAX_BODY = "32m"


def binary() -> str:
    """Debian's nginx (in /usr/sbin, which is not on every user's PATH); empty when it is not installed."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    return found or ""


def _paired(name: str, ports: Sequence[int], index: int) -> str:
    """An upstream whose primary is replica `index` and whose backups are the others."""
    lines = [f"    upstream {name}_{index + 1} {{"]
    for other, port in enumerate(ports):
        backup = "" if other == index else " backup"
        lines.append(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s{backup};")
    lines += ["        keepalive 16;", "    }"]
    return "\n".join(lines)


def _proxy(listen: int, upstream: str, read_timeout: int, prefix: Path) -> str:
    return f"""    server {{
        listen 127.0.0.1:{listen};
        access_log {prefix}/upstreams.log upstream;
        client_max_body_size {INTERNAL_MAX_BODY};  # Rasa sends the conversation (and the domain) to actions
        location / {{
            proxy_pass http://{upstream};
            # Rasa's calls to the action server carry the domain (about 70 KB): kept in memory, not written to a
            # temporary file on every call as the default 16 KB buffer would.
            client_body_buffer_size 256k;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_connect_timeout 2s;
            proxy_read_timeout {read_timeout}s;
            proxy_next_upstream error timeout http_502;
        }}
    }}"""


def render(
    *, prefix: Path, public_port: int, web: Sequence[int], rasa: Sequence[int], actions: Sequence[int],
    rasa_via: Sequence[int], actions_via: Sequence[int], read_timeout: int = 60,
) -> str:  # fmt: skip
    """nginx.conf for the scale shape; every path under `prefix`, everything on 127.0.0.1."""
    web_servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in web)
    blocks = [
        *(_paired("rasa", rasa, i) for i in range(len(rasa))),
        *(_paired("actions", actions, i) for i in range(len(actions))),
        *(_proxy(port, f"rasa_{i + 1}", read_timeout, prefix) for i, port in enumerate(rasa_via)),
        *(_proxy(port, f"actions_{i + 1}", read_timeout, prefix) for i, port in enumerate(actions_via)),
    ]
    return f"""# Written by `python -m bot scale-demo` (bot/scale/nginx.py); edits are lost at the next start.
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;  # residents' conversation ids are in some paths; the web app logs what it needs
    # Between replicas only: which listener went to which server (no paths, no addresses of residents).
    log_format upstream '$msec $server_port $upstream_addr $status $request_method';
    server_tokens off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

    upstream web {{
{web_servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{public_port};
        client_max_body_size {MAX_BODY};
        location = {LIVE_PATH} {{
            return 200 "nginx is up\n";
        }}
        location / {{
            proxy_pass http://web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout {read_timeout}s;
            proxy_next_upstream error timeout http_502;
        }}
    }}

{chr(10).join(blocks)}
}}
"""
