import asyncio
import json
import logging
import re
import uuid
from pathlib import Path

import pytest

from bot.services import audit
from bot.web import chat as chat_module
from bot.web.chat import parse_chat_request
from bot.web.errors import ApiError

SENDER = str(uuid.uuid4())


async def test_relays_message_and_returns_rasa_replies(client, fake_rasa):
    fake, _ = fake_rasa
    response = await client.post("/api/chat", json={"sender": SENDER, "message": "  hello  "})
    assert response.status == 200
    assert await response.json() == [{"recipient_id": SENDER, "text": "echo: hello", "kind": "other"}]
    # The client's address reaches Rasa (and the status checks' actions) only as a pseudonym, in the metadata.
    client_key = audit.pseudonym("127.0.0.1", purpose="client")
    assert fake.received == [{"sender": SENDER, "message": "hello", "metadata": {"client": client_key}}]
    assert "127.0.0.1" not in str(fake.received)
    assert response.headers["Cache-Control"] == "no-store"


async def test_the_readme_curl_command_gets_an_answer(client, fake_rasa):
    fake, _ = fake_rasa
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^curl .*localhost:8000/api/chat.*$", readme, re.MULTILINE)
    assert command, "the README shows no curl command for the chat"
    line = command.group(0).replace("localhost:8000", f"{client.server.host}:{client.server.port}")
    process = await asyncio.create_subprocess_exec("bash", "-c", line, stdout=asyncio.subprocess.PIPE)
    output, _ = await process.communicate()
    assert process.returncode == 0
    replies = json.loads(output)
    assert replies[0]["text"] == "echo: hello" and fake.received[-1]["message"] == "hello"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"sender": "bob", "message": "hi"}, 400, "invalid_sender"),
        ({"sender": 12, "message": "hi"}, 400, "invalid_sender"),
        ({"sender": SENDER, "message": "   "}, 400, "invalid_message"),
        ({"sender": SENDER}, 400, "invalid_message"),
        ({"sender": SENDER, "message": "x" * 1001}, 413, "message_too_long"),
        (["not", "an", "object"], 400, "invalid_request"),
    ],
)
async def test_bad_requests_get_one_error_shape(client, fake_rasa, body, status, code):
    fake, _ = fake_rasa
    response = await client.post("/api/chat", json=body)
    assert response.status == status
    error = (await response.json())["error"]
    assert error["status"] == status and error["code"] == code and error["message"]
    assert fake.received == []


async def test_invalid_json_is_a_json_error(client):
    response = await client.post("/api/chat", data=b"{nope", headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "invalid_json"


async def test_rate_limit_per_sender(client):
    statuses = [
        (await client.post("/api/chat", json={"sender": SENDER, "message": f"m{n}"})).status for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]


async def test_rasa_errors_and_outages_become_json_errors(client, fake_rasa):
    fake, server = fake_rasa
    fake.status = 500
    response = await client.post("/api/chat", json={"sender": SENDER, "message": "hi"})
    assert response.status == 502
    assert (await response.json())["error"]["code"] == "assistant_error"
    await server.close()
    response = await client.post("/api/chat", json={"sender": str(uuid.uuid4()), "message": "hi"})
    assert response.status == 503
    body = await response.json()
    assert body["error"]["code"] == "assistant_unavailable" and "999" in body["error"]["message"]


async def test_cors_only_for_configured_origins(client):
    allowed = await client.options("/api/chat", headers={"Origin": "https://site.example"})
    assert allowed.status == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://site.example"
    other = await client.post(
        "/api/chat", json={"sender": SENDER, "message": "hi"}, headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers


def test_parse_canonicalises_the_sender():
    sender, message = parse_chat_request({"sender": SENDER.upper(), "message": " hi "}, 10)
    assert (sender, message) == (SENDER, "hi")
    with pytest.raises(ApiError):
        parse_chat_request({"sender": SENDER, "message": "x" * 11}, 10)


async def test_a_bug_while_answering_logs_neither_the_conversation_nor_the_words(client, monkeypatch, caplog):
    # An error that quotes what it was given (a KeyError of the conversation, a message in a ValueError) must
    # not carry the conversation's id or the resident's words into the log.
    sender, words = str(uuid.uuid4()), "my neighbour Gary Smith hit me"

    async def broken(app, sender, message, **kwargs):
        raise ValueError(f"cannot relay {message!r} for {sender}")

    monkeypatch.setattr(chat_module, "relay", broken)
    with caplog.at_level(logging.DEBUG):
        response = await client.post("/api/chat", json={"sender": sender, "message": words, "message_id": "m1"})
    assert response.status == 500
    assert (await response.json())["error"]["code"] == "internal_server_error"
    formatter = logging.Formatter()
    logged = "\n".join(formatter.format(r) for r in caplog.records if r.name != "aiohttp.access")
    assert "ValueError" in logged  # the bug is still logged, with its traceback
    assert sender not in logged and words not in logged
