"""Serving the web app: requests too malformed to reach it are still answered in the one error shape.

aiohttp answers a request it cannot parse (a header over 8190 bytes, `Content-Length: abc`, a broken request
line) itself, before any middleware: in plain text, with "Server: Python/3.x aiohttp/x.y", and it logs the
client's address. Our handler class answers those as every other error leaves the app, names no software and
logs only the kind of error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from bot.web.access_log import logged_path
from bot.web.errors import INTERNAL_ERROR, code_for, error_response
from bot.web.headers import SERVER, add_fixed_headers
from bot.web.keys import SETTINGS

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 75.0  # web.run_app's: an idle keep-alive connection is closed after this (aiohttp's own is 3630)
MESSAGES = {
    400: "The request could not be read.",
    500: INTERNAL_ERROR,
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
        if status >= 500:  # an error of ours outside the error middleware (or a timeout): as it logs them
            log.error("unhandled error (%s) on %s %s", status, request.method, logged_path(request.path), exc_info=exc)
        else:  # the parser's message may quote what the client sent, and request.remote is their address
            log.info("refused a request aiohttp could not parse: %s %s", status, type(exc).__name__ if exc else "-")
        if request.writer.output_size > 0:
            raise ConnectionError("Response is sent already, cannot send another response with the error message")
        response = error_response(status, code_for(status), _message_for(status))
        response.headers["Server"] = SERVER
        response.headers["Cache-Control"] = "no-store"
        # The app's headers too; whether the request came over HTTPS is not known here, so HSTS follows the settings.
        add_fixed_headers(response.headers, hsts=getattr(self._manager, "hsts", False))
        response.force_close()
        return response


class EdgeServer(web.Server):
    """aiohttp's low-level server, making EdgeRequestHandler connections."""

    hsts = False  # set from the app's settings by EdgeRunner

    def __call__(self) -> RequestHandler:
        """One connection's handler."""
        return EdgeRequestHandler(self, loop=self._loop, **self._kwargs)


class EdgeRunner(web.AppRunner):
    """An AppRunner whose server answers malformed requests in the one error shape."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = EdgeServer  # same state, one method different: aiohttp builds its Server itself
        settings = self.app.get(SETTINGS)
        server.hsts = bool(settings and settings.secure_cookies)
        return server


async def serve(app: web.Application, host: str, port: int, **runner_args: Any) -> None:
    """Serve the app on host:port until cancelled, then shut down gracefully (requests in hand are finished)."""
    runner_args.setdefault("keepalive_timeout", KEEPALIVE_SECONDS)
    runner = EdgeRunner(app, **runner_args)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def run(app: web.Application, host: str, port: int, **runner_args: Any) -> None:
    """Serve the app until SIGINT or SIGTERM, as web.run_app does."""
    loop = asyncio.new_event_loop()
    main = loop.create_task(serve(app, host, port, handle_signals=True, **runner_args))
    try:
        loop.run_until_complete(main)
    except (web.GracefulExit, KeyboardInterrupt):
        pass
    finally:
        # Only the serving task is cancelled: its cleanup lets requests in hand finish (up to the runner's
        # shutdown timeout), where asyncio.run would cancel them all at once.
        main.cancel()
        with contextlib.suppress(asyncio.CancelledError, web.GracefulExit, KeyboardInterrupt):
            loop.run_until_complete(main)
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
