"""nginx's configuration for the scale shape: valid for Debian's nginx, loopback only, each replica paired."""

import re
import shutil
import subprocess

import pytest

from bot.scale import nginx

PORTS = dict(public_port=18080, web=[1001, 1002], rasa=[2001, 2002], actions=[3001, 3002], rasa_via=[4001, 4002],
             actions_via=[5001, 5002])  # fmt: skip


def _upstream(conf, name):
    return re.search(r"upstream " + name + r" \{(.*?)\}", conf, re.S).group(1)


def test_each_web_app_has_its_rasa_and_the_other_as_backup(tmp_path):
    conf = nginx.render(prefix=tmp_path, **PORTS)
    assert "server 127.0.0.1:2001 max_fails=1 fail_timeout=5s;" in _upstream(conf, "rasa_1")
    assert "server 127.0.0.1:2002 max_fails=1 fail_timeout=5s backup;" in _upstream(conf, "rasa_1")
    assert "server 127.0.0.1:2002 max_fails=1 fail_timeout=5s;" in _upstream(conf, "rasa_2")
    assert "server 127.0.0.1:2001 max_fails=1 fail_timeout=5s backup;" in _upstream(conf, "rasa_2")
    assert "server 127.0.0.1:3001 max_fails=1 fail_timeout=5s backup;" in _upstream(conf, "actions_2")
    web = _upstream(conf, "web")
    assert "127.0.0.1:1001" in web and "127.0.0.1:1002" in web and "backup" not in web  # balanced
    listener = (r"listen 127.0.0.1:{};\s+access_log \S+ upstream;\s+client_max_body_size 32m;[^\n]*"
                r"\s+location / \{{\s+proxy_pass http://{};")
    assert re.search(listener.format(4001, "rasa_1"), conf)
    assert re.search(listener.format(5002, "actions_2"), conf)
    # What Rasa sends the action server (the domain, ~70 KB) is buffered in memory, not in a file per call.
    assert conf.count("client_body_buffer_size 256k;") == len(PORTS["rasa_via"]) + len(PORTS["actions_via"])


def test_everything_listens_on_loopback_and_no_request_is_replayed(tmp_path):
    conf = nginx.render(prefix=tmp_path, **PORTS)
    listens = re.findall(r"listen (\S+);", conf)
    assert len(listens) == 5 and all(address.startswith("127.0.0.1:") for address in listens)
    assert "non_idempotent" not in conf  # a sent POST is never replayed on another replica
    assert "access_log off" in conf and "server_tokens off" in conf
    public = conf[conf.index("listen 127.0.0.1:18080"):]
    assert public.index("client_max_body_size 64k;") < public.index("}")  # residents' messages are small


def test_debian_nginx_accepts_it(tmp_path):
    binary = shutil.which("nginx")
    assert binary, "nginx is missing: `make scale-servers` installs Debian's nginx"
    (tmp_path / "nginx.conf").write_text(nginx.render(prefix=tmp_path, **PORTS))
    done = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("replicas", [1, 3])
def test_other_replica_counts(tmp_path, replicas):
    ports = {k: (v[:1] * replicas if isinstance(v, list) else v) for k, v in PORTS.items()}
    ports = {k: ([p + i for i, p in enumerate(v)] if isinstance(v, list) else v) for k, v in ports.items()}
    conf = nginx.render(prefix=tmp_path, **ports)
    assert conf.count("upstream rasa_") == replicas
    assert _upstream(conf, "rasa_1").count("backup") == replicas - 1
