"""Every log record is redacted as it is made, whatever handler writes it, tracebacks included."""

import io
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from rasa_addons import log_redaction

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def captured():
    previous = logging.getLogRecordFactory()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("test.log_redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    log_redaction.install()
    yield logger, stream
    logger.removeHandler(handler)
    logging.setLogRecordFactory(previous)


def test_messages_and_arguments_are_redacted(captured):
    logger, stream = captured
    logger.info("lookup for %s at %s", "jo@example.org", "AL1 3AB")
    logger.warning("ref 41/12345/24 by 07700 900123")
    assert stream.getvalue() == "INFO lookup for [email] at [postcode]\nWARNING ref [crime-ref] by [phone]\n"


def test_tracebacks_are_redacted(captured):
    logger, stream = captured
    try:
        raise ValueError("no case for surname jo@example.org")
    except ValueError:
        logger.exception("failed")
    assert "jo@example.org" not in stream.getvalue()
    assert "ValueError: no case for surname [email]" in stream.getvalue()


def test_installing_twice_redacts_once(captured):
    logger, stream = captured
    log_redaction.install()
    logger.info("[email] and a@b.org")
    assert stream.getvalue() == "INFO [email] and [email]\n"


# What each server does with the --logging-config-file the supervisor gives it, then a log line with personal data.
SERVERS = {
    "rasa": (
        ROOT / ".venv-rasa" / "bin" / "python",
        "import logging, rasa.utils.common, rasa.utils.io\n"
        "rasa.utils.common.configure_logging_and_warnings(logging.INFO, 'logging.yml')\n"
        "rasa.utils.io.configure_colored_logging(logging.INFO)\n"
        "logging.getLogger('rasa.core.processor').info('user said my email is jo@example.org')\n",
    ),
    "rasa_sdk": (
        Path(sys.executable),
        "import logging, rasa_sdk.utils\n"
        "rasa_sdk.utils.configure_colored_logging(logging.INFO)\n"
        "rasa_sdk.utils.configure_file_logging(logging.getLogger('rasa_sdk'), None, logging.INFO, 'logging.yml')\n"
        "logging.getLogger('rasa_sdk.executor').info('user said my email is jo@example.org')\n",
    ),
}


@pytest.mark.parametrize("server", SERVERS)
def test_the_logging_config_file_redacts_each_server(server):
    """logging.yml, as Rasa and the action server apply it, redacts what their own handlers write."""
    python, script = SERVERS[server]
    result = subprocess.run([str(python), "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    output = result.stdout + result.stderr
    assert "user said my email is [email]" in output
    assert "jo@example.org" not in output
