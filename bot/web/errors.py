"""One JSON error shape for every error that leaves the web app."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus

from aiohttp import web

from bot.web.access_log import logged_path

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
INTERNAL_ERROR = "Something went wrong on our side. Please try again."  # a 500's message, wherever it is made


class ApiError(Exception):
    """An error with a status, a machine-readable code and a message for people."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(status: int, code: str, message: str) -> web.Response:
    """The one error shape: {"error": {"status", "code", "message"}}."""
    return web.json_response({"error": {"status": status, "code": code, "message": message}}, status=status)


def code_for(status: int) -> str:
    """The machine-readable code of an HTTP status: "not_found" for 404."""
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every exception into the JSON error shape; never a traceback."""
    try:
        return await handler(request)
    except ApiError as exc:
        response = error_response(exc.status, exc.code, exc.message)
        response.headers.update(exc.headers)
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise  # redirects and the like pass through
        response = error_response(exc.status, code_for(exc.status), exc.reason)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in exc.headers:
                response.headers[header] = exc.headers[header]
        return response
    except Exception:
        # The path as the access log shows it: a forget's path holds the conversation's id.
        log.exception("unhandled error on %s %s", request.method, logged_path(request.path))
        return error_response(500, "internal_server_error", INTERNAL_ERROR)
