"""Reading request bodies safely: JSON only as JSON, bounded in size and depth, and forms that cannot crash us.

Whatever arrives (a wrong content type, a charset nobody knows, nesting thousands deep, a number with a
million digits, bytes that are not UTF-8), the answer is a 4xx in the one error shape, never a 500.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from bot.web.errors import ApiError

JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_DEPTH = 8  # our bodies are flat objects; anything deeper is not for us
ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def _depth(value: Any) -> int:
    depth, level = 0, [value]
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            break
        nxt: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                nxt.extend(item.values())
            elif isinstance(item, list):
                nxt.extend(item)
        level = nxt
    return depth


async def read_json(request: web.Request) -> Any:
    """The request's JSON body; 415 for another content type, 400 for anything that is not plain JSON."""
    if request.content_type not in JSON_TYPES:
        raise ApiError(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).")
    charset = (request.charset or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ApiError(415, "unsupported_media_type", "JSON must be sent as UTF-8.")
    try:
        raw = await request.read()  # over the app's size limit: 413 from aiohttp
    except web.RequestPayloadError as exc:  # a body that does not decompress or ends early
        raise ApiError(400, "unreadable_body", "The request body could not be read.") from exc
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad JSON, bad UTF-8, huge numbers, absurd nesting
        raise ApiError(400, "invalid_json", "The request body must be JSON.") from exc
    if _depth(body) > MAX_DEPTH:
        raise ApiError(400, "invalid_json", "The request body is nested too deeply.")
    return body


async def read_form(request: web.Request) -> MultiDictProxy[str | bytes | web.FileField]:
    """The request's form fields; empty for a body that is no form, 400 for a form that cannot be read."""
    if request.content_type not in FORM_TYPES:
        return MultiDictProxy(MultiDict())
    try:
        return await request.post()
    except web.HTTPException:
        raise  # 413 and the like keep their status
    except (ValueError, UnicodeDecodeError, AssertionError, LookupError, RecursionError,
            web.RequestPayloadError) as exc:
        raise web.HTTPBadRequest(reason="The form could not be read.") from exc


def parse_id(raw: str, max_digits: int = 12) -> int | None:
    """A row id from a URL: ASCII digits only (str.isdigit() takes "²", which int() refuses); None otherwise."""
    if not raw or len(raw) > max_digits or not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw)


def clean_text(value: str) -> bool:
    """True when text has no control characters (but tab and newlines) and no lone surrogates."""
    for char in value:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in ALLOWED_CONTROLS) or category == "Cs":
            return False
    return True
