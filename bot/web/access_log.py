"""The web app's access log: method, path, status, size and time; never a query string or a conversation id.

aiohttp's default format logs the whole request line (a staff search `?q=<a resident's name>`) and the
client's address. Ours logs the path only, with every UUID (the conversation id in /api/chat/{sender}/forget)
replaced by `{id}`; the redaction filter (rasa_addons.log_redaction) then takes out references in paths.
"""

from __future__ import annotations

import logging
import re

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
LOGGER = logging.getLogger("aiohttp.access")


def logged_path(path: str) -> str:
    """The path as the access log shows it: conversation ids (UUIDs) replaced."""
    return UUID.sub("{id}", path)


class PrivateAccessLogger(AbstractAccessLogger):
    """Logs `METHOD /path STATUS BYTES SECONDS`: no query string, no conversation id, no client address."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        """Write one line for the request."""
        self.logger.info(
            "%s %s %s %s %.3fs",
            request.method,
            logged_path(request.rel_url.path),
            response.status,
            response.body_length,
            time,
        )
