"""Reading requests safely: JSON only as JSON, bounded in size and depth, forms that cannot crash us, ids and text
the database can take.

Whatever arrives (a wrong content type, a charset nobody knows, nesting thousands deep, a number with a
million digits, bytes that are not UTF-8, an id beyond the database's integers, a NUL that PostgreSQL refuses
in text), the answer is a 4xx in the one error shape, never a 500.
"""

from __future__ import annotations

import asyncio
import json
import unicodedata
from typing import Any

from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from bot.web.errors import ApiError

JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_DEPTH = 8  # our bodies are flat objects; anything deeper is not for us
# A body (at most 64 KiB) arrives within this, even on a poor mobile connection; a client trickling one in (a
# slow loris) would otherwise hold its connection and handler for ever, as aiohttp sets no limit of its own.
BODY_SECONDS = 10.0
SLOW_BODY = "The request body took too long to arrive."
ALLOWED_CONTROLS = {"\t", "\n", "\r"}
UNCLEAN_FORM = "The form has characters that cannot be stored (a NUL character or a broken one)."
UNCLEAN_QUERY = "The web address has characters that cannot be searched for (a NUL character or a broken one)."
UNCLEAN_JSON = "The request body has characters that cannot be stored (a NUL character or a broken one)."


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
        raw = await asyncio.wait_for(request.read(), BODY_SECONDS)  # over the app's size limit: 413 from aiohttp
    except asyncio.TimeoutError as exc:
        raise ApiError(408, "request_timeout", SLOW_BODY) from exc
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
    """The request's form fields; empty for a body that is no form, 400 for one that cannot be read or stored.

    A field (name or text) the database cannot store (`storable`) is refused here, for every form at once:
    PostgreSQL cannot store a NUL, and no field of ours needs one.
    """
    if request.content_type not in FORM_TYPES:
        return MultiDictProxy(MultiDict())
    try:
        form = await asyncio.wait_for(request.post(), BODY_SECONDS)
    except asyncio.TimeoutError as exc:
        raise web.HTTPRequestTimeout(reason=SLOW_BODY) from exc
    except web.HTTPException:
        raise  # 413 and the like keep their status
    except (ValueError, UnicodeDecodeError, AssertionError, LookupError, RecursionError,
            web.RequestPayloadError) as exc:
        raise web.HTTPBadRequest(reason="The form could not be read.") from exc
    if not all(storable(name) and (not isinstance(value, str) or storable(value)) for name, value in form.items()):
        raise web.HTTPBadRequest(reason=UNCLEAN_FORM)
    return form


def clean_text(value: str) -> bool:
    """True when text has no control characters (but tab and newlines) and no lone surrogates."""
    for char in value:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in ALLOWED_CONTROLS) or category == "Cs":
            return False
    return True


def storable(value: str) -> bool:
    """Whether the database can store this text: no NUL (PostgreSQL refuses it) and no lone surrogate.

    Staff input keeps every other control character: a note pasted from a word processor has vertical tabs
    for its line breaks, and refusing it would lose what was typed.
    """
    return "\x00" not in value and not any(unicodedata.category(char) == "Cs" for char in value)


def clean_json(value: Any) -> bool:
    """True when every string of a parsed JSON value, object keys included, is `storable`."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return all(storable(key) and clean_json(item) for key, item in value.items())
    if isinstance(value, list):
        return all(clean_json(item) for item in value)
    return True  # numbers, booleans and null (read_json has already bounded the nesting)


def check_query(request: web.Request) -> None:
    """400 when a query parameter's name or value cannot be stored or searched for (a NUL, a lone surrogate)."""
    if not all(storable(name) and storable(value) for name, value in request.query.items()):
        raise web.HTTPBadRequest(reason=UNCLEAN_QUERY)


def check_path(request: web.Request) -> None:
    """404 when a path parameter (a reference, an id) holds what no stored name can (a NUL, a lone surrogate)."""
    if not all(storable(value) for value in request.match_info.values()):
        raise web.HTTPNotFound()


async def check_json(request: web.Request) -> None:
    """400 when a JSON body has a string the database cannot store (the body is read as `read_json` reads it)."""
    if request.body_exists and request.content_type in JSON_TYPES and not clean_json(await read_json(request)):
        raise ApiError(400, "invalid_json", UNCLEAN_JSON)
