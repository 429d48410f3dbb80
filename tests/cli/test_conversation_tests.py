"""`test-conversations` runs `rasa test` against the action server it started, never one already running."""

import http.server
import os
import subprocess
import sys
import threading

from bot.settings import PROJECT_ROOT


class _Healthy(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_an_action_server_already_on_the_port_is_an_error_not_the_one_tested(tmp_path):
    # Another stack's action server (`run`'s, say) answers on the port: `rasa test` would test that one, other
    # code on another database, and a pass would say nothing about this tree.
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"")
    fake_rasa = tmp_path / "rasa"
    fake_rasa.write_text("#!/bin/sh\nexit 0\n")  # a pass, whatever it was run against
    fake_rasa.chmod(0o755)
    other = http.server.HTTPServer(("127.0.0.1", 0), _Healthy)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        env = {**os.environ, "BOT_VAR_DIR": str(tmp_path), "BOT_MODEL": str(model), "BOT_RASA_BIN": str(fake_rasa),
               "BOT_ACTIONS_PORT": str(other.server_address[1]), "BOT_STARTUP_TIMEOUT": "60"}  # fmt: skip
        result = subprocess.run([sys.executable, "-m", "bot", "test-conversations"], cwd=PROJECT_ROOT, env=env,
                                capture_output=True, text=True, timeout=120)  # fmt: skip
    finally:
        other.shutdown()
        other.server_close()
    assert result.returncode == 1, result.stderr
    assert f"port {other.server_address[1]} is in use" in result.stderr
    assert "Traceback" not in result.stderr
