"""Bad input to the public chat: a clean 4xx in the one error shape, never a 500, and never an intent it may not be."""

import asyncio
import json
import uuid

import pytest

from bot.web import body as body_reading

SENDER = str(uuid.uuid4())


async def _error(response, status: int) -> dict:
    assert response.status == status, await response.text()
    error = (await response.json())["error"]
    assert error["status"] == status and error["code"] and error["message"]
    return error


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 50_000 + b"]" * 50_000,  # nesting far beyond Python's recursion limit
        b'{"sender": ' + b"[" * 500 + b"]" * 500 + b"}",
        b'{"sender": "x", "message": ' + b"9" * 20_000 + b"}",  # a number too long to convert
        b"\xff\xfe{}",
        b'{"message": "\\ud800"',
    ],
)
async def test_unreadable_json_is_a_400(client, raw):
    headers = {"Content-Type": "application/json"}
    response = await client.post("/api/chat", data=raw[: 60 * 1024], headers=headers)
    assert (await _error(response, 400))["code"] == "invalid_json"


async def test_deep_but_parseable_nesting_is_refused(client):
    body = {"sender": SENDER, "message": "hi", "extra": [[[[[[[[[["deep"]]]]]]]]]]}
    response = await client.post("/api/chat", json=body)
    assert (await _error(response, 400))["message"] == "The request body is nested too deeply."


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
        "application/json; charset=nonsense",
    ],
)
async def test_anything_but_json_is_a_415(client, fake_rasa, content_type):
    fake, _ = fake_rasa
    body = json.dumps({"sender": SENDER, "message": "hi"})
    response = await client.post("/api/chat", data=body, headers={"Content-Type": content_type})
    assert (await _error(response, 415))["code"] == "unsupported_media_type"
    assert fake.received == []


async def test_json_with_a_utf8_charset_is_fine(client):
    body = json.dumps({"sender": SENDER, "message": "café ☕"})
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    response = await client.post("/api/chat", data=body.encode(), headers=headers)
    assert response.status == 200


@pytest.mark.parametrize("message", ["hello\x00there", "bell\x07", "esc\x1b[31m", "\ud800 lone surrogate", "del\x7f"])
async def test_control_characters_are_refused(client, fake_rasa, message):
    fake, _ = fake_rasa
    data = json.dumps({"sender": SENDER, "message": message})  # \ud800 travels as a JSON escape
    response = await client.post("/api/chat", data=data, headers={"Content-Type": "application/json"})
    assert (await _error(response, 400))["code"] == "invalid_message"
    assert fake.received == []


async def test_newlines_and_tabs_are_words(client, fake_rasa):
    fake, _ = fake_rasa
    response = await client.post("/api/chat", json={"sender": SENDER, "message": "line one\n\tline two"})
    assert response.status == 200
    assert fake.received[-1]["message"] == "line one\n\tline two"


@pytest.mark.parametrize(
    ("typed", "relayed"),
    [
        ('/case_status{"case_reference": "41/10234/26"}', 'case_status{"case_reference": "41/10234/26"}'),
        ("/emergency{}", "emergency{}"),
        ("/ i lost my phone", "i lost my phone"),
        ("/report_crime", "/report_crime"),  # a button of the domain goes as it is
        ('/feedback{"helpful": true}', '/feedback{"helpful": true}'),
        # Rasa strips every Unicode space before it reads a leading "/": a no-break space hides nothing.
        ('/\u00a0/feedback{"helpful": "anything"}', 'feedback{"helpful": "anything"}'),
        ("/\u2003/\u3000/emergency", "emergency"),
    ],
)
async def test_typed_intents_go_as_words_unless_the_domain_offers_them(client, fake_rasa, typed, relayed):
    fake, _ = fake_rasa
    response = await client.post("/api/chat", json={"sender": str(uuid.uuid4()), "message": typed})
    assert response.status == 200
    assert fake.received[-1]["message"] == relayed


async def test_only_slashes_is_no_message(client, fake_rasa):
    fake, _ = fake_rasa
    response = await client.post("/api/chat", json={"sender": SENDER, "message": " // "})
    assert (await _error(response, 400))["code"] == "invalid_message"
    assert fake.received == []


async def test_a_typed_feedback_behind_a_unicode_space_is_words_inside_a_form(client, fake_rasa):
    fake, _ = fake_rasa
    fake.tracker = {"active_loop": {"name": "complaint_form"}}
    typed = '/\u00a0/feedback{"helpful": true}'
    response = await client.post("/api/chat", json={"sender": str(uuid.uuid4()), "message": typed})
    assert response.status == 200
    assert fake.received[-1]["message"] == 'feedback{"helpful": true}'


async def test_a_body_that_does_not_decompress_is_a_400(client, fake_rasa):
    fake, _ = fake_rasa
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    response = await client.post("/api/chat", data=b"not gzip at all", headers=headers)
    assert (await _error(response, 400))["code"] == "unreadable_body"
    assert fake.received == []


async def test_a_forget_with_any_body_is_fine(client):
    response = await client.post(
        f"/api/chat/{SENDER}/forget", data=b"\x00\xff" * 100, headers={"Content-Type": "application/octet-stream"}
    )
    assert response.status == 204


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/api/chat", "application/json"), ("/staff/login", "application/x-www-form-urlencoded")],
)
async def test_a_body_trickled_in_is_given_up_with_a_408(client, monkeypatch, path, content_type):
    # A slow-loris client announces a body and sends it a byte at a time (or never): without a bound, each such
    # connection holds a handler for ever, and enough of them use up the server's file descriptors.
    monkeypatch.setattr(body_reading, "BODY_SECONDS", 0.5)
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    try:
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nContent-Length: 100\r\n\r\n"
        writer.write(head.encode() + b"{")
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(4096), 5)
    finally:
        writer.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    if path.startswith("/api/"):  # (the staff sign-in page answers with a page, as its other errors do)
        assert b'"status": 408' in answer and b'"code": "request_timeout"' in answer
