"""Serving the web app: requests too malformed to reach it are still answered in the one error shape.

aiohttp answers a request it cannot parse (a header over 8190 bytes, `Content-Length: abc`, a broken request
line) itself, before any middleware: in plain text, with "Server: Python/3.x aiohttp/x.y", and it logs the
client's address. Our handler class answers those as every other error leaves the app, names no software and
logs only the kind of error.
"""

from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from bot.web.errors import code_for, error_response
from bot.web.headers import SERVER

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be read.",
    500: "Something went wrong on our side. Please try again.",
}


def _message_for(status: int) -> str:
    if status in MESSAGES:
        return MESSAGES[status]
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return "The request could not be handled."


class EdgeRequestHandler(RequestHandler):
    """aiohttp's connection handler, with its own error answers in our JSON shape."""

    def handle_error(
        self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None, message: str | None = None
    ) -> web.StreamResponse:
        """The one JSON error shape for what aiohttp refuses itself; the log names the error, not the client."""
        # The parser's message may quote what the client sent, and request.remote is their address.
        log.info("refused a request aiohttp could not handle: %s %s", status, type(exc).__name__ if exc else "-")
        if request.writer.output_size > 0:
            raise ConnectionError("Response is sent already, cannot send another response with the error message")
        response = error_response(status, code_for(status), _message_for(status))
        response.headers["Server"] = SERVER
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        response.force_close()
        return response


class EdgeServer(web.Server):
    """aiohttp's low-level server, making EdgeRequestHandler connections."""

    def __call__(self) -> RequestHandler:
        """One connection's handler."""
        return EdgeRequestHandler(self, loop=self._loop, **self._kwargs)


class EdgeRunner(web.AppRunner):
    """An AppRunner whose server answers malformed requests in the one error shape."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = EdgeServer  # same state, one method different: aiohttp builds its Server itself
        return server


async def serve(app: web.Application, host: str, port: int, **runner_args: Any) -> None:
    """Serve the app on host:port until cancelled (or a signal, with handle_signals=True), then clean up."""
    runner = EdgeRunner(app, **runner_args)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def run(app: web.Application, host: str, port: int, **runner_args: Any) -> None:
    """Serve the app until SIGINT or SIGTERM, as web.run_app does."""
    try:
        asyncio.run(serve(app, host, port, handle_signals=True, **runner_args))
    except (web.GracefulExit, KeyboardInterrupt):
        pass
