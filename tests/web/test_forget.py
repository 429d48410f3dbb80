import asyncio
import logging
import uuid
from datetime import datetime, timezone

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.db.engine import unit_of_work
from bot.db.models import Complaint
from bot.services import forgetting
from bot.services.complaints import tickets
from bot.services.complaints.details import ComplaintDetails
from bot.settings import PROJECT_ROOT
from bot.web.domain_info import DomainInfo
from bot.web.keys import STATE
from tests.rasa_events import create_events

SENDER = str(uuid.uuid4())
OTHER = str(uuid.uuid4())


async def _make_events(engine, *senders: str) -> None:
    async with engine.begin() as conn:
        await create_events(conn, [(sender, "user", None) for sender in senders])


async def _senders(engine) -> list[str]:
    async with engine.connect() as conn:
        return sorted(row[0] for row in await conn.execute(text("SELECT sender_id FROM events")))


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/api/chat/{}"), ("POST", "/api/chat/{}/forget")])
async def test_forget_deletes_only_that_conversation(client, engine, method, path):
    await _make_events(engine, SENDER, SENDER, OTHER)
    response = await client.request(method, path.format(SENDER))
    assert response.status == 204
    assert await _senders(engine) == [OTHER]


async def test_forget_accepts_any_spelling_of_the_uuid(client, engine):
    await _make_events(engine, SENDER)
    response = await client.delete(f"/api/chat/{SENDER.upper()}")
    assert response.status == 204
    assert await _senders(engine) == []


async def test_forget_is_204_when_nothing_is_there(client, engine):
    # Before Rasa ever ran, its table does not even exist.
    assert (await client.delete(f"/api/chat/{SENDER}")).status == 204
    await _make_events(engine, OTHER)
    assert (await client.post(f"/api/chat/{SENDER}/forget")).status == 204
    assert await _senders(engine) == [OTHER]


async def test_forget_needs_a_uuid(client):
    response = await client.delete("/api/chat/bob")
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "invalid_sender"


async def test_a_forgotten_conversation_cannot_start_again(client, fake_rasa):
    fake, _ = fake_rasa
    assert (await client.post("/api/chat", json={"sender": SENDER, "message": "hello"})).status == 200
    assert (await client.delete(f"/api/chat/{SENDER}")).status == 204
    response = await client.post("/api/chat", json={"sender": SENDER, "message": "hello again"})
    assert response.status == 410
    assert (await response.json())["error"]["code"] == "conversation_ended"
    assert [body["message"] for body in fake.received] == ["hello"]


async def test_forgotten_while_rasa_answers_deletes_what_rasa_saved(client, engine, fake_rasa, monkeypatch):
    from bot.web import chat

    await _make_events(engine, OTHER)
    started, release = asyncio.Event(), asyncio.Event()

    async def slow_relay(app, sender, message, **_metadata):
        started.set()
        await release.wait()
        async with engine.begin() as conn:  # what Rasa does when it finishes: saves the tracker's events
            insert = text("INSERT INTO events (id, sender_id, type_name) VALUES (99, :s, 'user')")
            await conn.execute(insert, {"s": sender})
        return [{"recipient_id": sender, "text": "late"}]

    monkeypatch.setattr(chat, "relay", slow_relay)
    pending = asyncio.ensure_future(client.post("/api/chat", json={"sender": SENDER, "message": "hi"}))
    await started.wait()
    assert (await client.delete(f"/api/chat/{SENDER}")).status == 204
    release.set()
    response = await pending
    assert response.status == 410
    assert await _senders(engine) == [OTHER]


async def test_forget_is_rate_limited_apart_from_chat(client):
    # The client fixture allows 5 a minute per sender: a resident who used up the chat limit can still leave.
    for _ in range(5):
        await client.post("/api/chat", json={"sender": SENDER, "message": "hi"})
    assert (await client.post("/api/chat", json={"sender": SENDER, "message": "hi"})).status == 429
    statuses = [(await client.delete(f"/api/chat/{SENDER}")).status for _ in range(6)]
    assert statuses == [204] * 5 + [429]


async def test_forget_cors_for_configured_origins_only(client):
    allowed = await client.options(
        f"/api/chat/{SENDER}", headers={"Origin": "https://site.example", "Access-Control-Request-Method": "DELETE"}
    )
    assert allowed.status == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://site.example"
    assert "DELETE" in allowed.headers["Access-Control-Allow-Methods"]
    beacon = await client.post(f"/api/chat/{SENDER}/forget", headers={"Origin": "https://site.example"})
    assert beacon.headers["Access-Control-Allow-Origin"] == "https://site.example"
    other = await client.delete(f"/api/chat/{SENDER}", headers={"Origin": "https://evil.example"})
    assert other.status == 204
    assert "Access-Control-Allow-Origin" not in other.headers


async def test_a_retried_message_reaches_rasa_once(client, fake_rasa):
    fake, _ = fake_rasa
    body = {"sender": SENDER, "message": "hello", "message_id": "m-1"}
    first = await client.post("/api/chat", json=body)
    again = await client.post("/api/chat", json=body)
    expected = [{"recipient_id": SENDER, "text": "echo: hello", "kind": "other"}]
    assert await first.json() == await again.json() == expected
    assert len(fake.received) == 1
    await client.post("/api/chat", json={**body, "message_id": "m-2"})
    assert len(fake.received) == 2


async def test_forget_deletes_the_replies_kept_for_resends(client, fake_rasa):
    body = {"sender": SENDER, "message": "hello", "message_id": "m-1"}
    assert (await client.post("/api/chat", json=body)).status == 200
    other = {"sender": OTHER, "message": "hello", "message_id": "m-1"}
    assert (await client.post("/api/chat", json=other)).status == 200
    assert (await client.delete(f"/api/chat/{SENDER}")).status == 204
    state = client.app[STATE]
    assert await state.replay_get(SENDER, "m-1") is None
    assert await state.replay_get(OTHER, "m-1") is not None


async def test_a_cancelled_form_drops_the_replies_kept_for_resends(client, fake_rasa):
    # The read-back repeats what was typed; "haven't kept anything you typed" must then be true of the cache too.
    fake, _ = fake_rasa
    cancelled = DomainInfo.load(PROJECT_ROOT / "domain.yml")
    [said] = [text for text in cancelled.nothing_kept if text.startswith("OK, I've cancelled your complaint")]
    fake.answer = [{"recipient_id": SENDER, "text": "- Your name: Zebedee Quux\n- Email: zq@example.org"}]
    assert (await client.post("/api/chat", json={"sender": SENDER, "message": "no", "message_id": "m-1"})).status == 200
    fake.answer = [{"recipient_id": SENDER, "text": said}]
    response = await client.post("/api/chat", json={"sender": SENDER, "message": "Cancel", "message_id": "m-2"})
    assert (await response.json())[0]["text"] == said
    state = client.app[STATE]
    assert await state.replay_get(SENDER, "m-1") is None
    assert (await state.replay_get(SENDER, "m-2"))[0]["text"] == said


async def test_a_failed_message_can_be_retried(client, fake_rasa):
    fake, _ = fake_rasa
    fake.status = 500
    body = {"sender": SENDER, "message": "hello", "message_id": "m-1"}
    assert (await client.post("/api/chat", json=body)).status == 502
    fake.status = 200
    assert (await client.post("/api/chat", json=body)).status == 200
    assert len(fake.received) == 2


@pytest.mark.parametrize("message_id", ["", "x" * 65, "a b", 7, "é"])
async def test_message_id_is_checked(client, message_id):
    response = await client.post("/api/chat", json={"sender": SENDER, "message": "hi", "message_id": message_id})
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "invalid_message_id"


async def test_a_forget_is_recorded_for_every_process_and_survives_a_restart(client, settings, fake_rasa):
    """A new web process (a restart, or another replica) has an empty memory: the database still says no."""
    from dataclasses import replace

    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.app import create_app

    fake, server = fake_rasa
    assert (await client.delete(f"/api/chat/{SENDER}")).status == 204
    restarted = replace(settings, rasa_port=server.port, chat_rate_per_minute=5)
    async with TestClient(TestServer(create_app(restarted))) as fresh:
        response = await fresh.post("/api/chat", json={"sender": SENDER, "message": "hello again"})
        assert response.status == 410
        assert (await fresh.post("/api/chat", json={"sender": OTHER, "message": "hi"})).status == 200
    assert [body["sender"] for body in fake.received] == [OTHER]


async def _forgotten_in_flight(client, engine, monkeypatch, outcome):
    """A message is in flight when the conversation is forgotten; Rasa then stores it and ends with `outcome`."""
    from bot.web import chat
    from bot.web.errors import ApiError

    await _make_events(engine, OTHER)
    started, release = asyncio.Event(), asyncio.Event()

    async def slow_relay(app, sender, message, **_metadata):
        started.set()
        await release.wait()
        async with engine.begin() as conn:  # a tracker store that does not check the forgotten table
            insert = text("INSERT INTO events (id, sender_id, type_name) VALUES (99, :s, 'user')")
            await conn.execute(insert, {"s": sender})
        if outcome == "error":
            raise ApiError(502, "assistant_error", "The assistant could not answer just now.")
        if outcome == "timeout":
            raise ApiError(504, "assistant_timeout", "The assistant took too long to answer.")
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(chat, "relay", slow_relay)
    pending = asyncio.ensure_future(client.post("/api/chat", json={"sender": SENDER, "message": "hi"}))
    await started.wait()
    assert (await client.delete(f"/api/chat/{SENDER}")).status == 204
    release.set()
    return await pending


@pytest.mark.parametrize("outcome", ["error", "timeout", "exception"])
async def test_forgotten_while_rasa_fails_still_deletes_what_rasa_saved(client, engine, monkeypatch, outcome):
    response = await _forgotten_in_flight(client, engine, monkeypatch, outcome)
    assert response.status == 410
    assert await _senders(engine) == [OTHER]


async def test_forgotten_by_another_web_process_is_seen_here(client, sessions, fake_rasa):
    from bot.services import forgetting

    fake, _ = fake_rasa
    async with sessions() as session, session.begin():  # what another replica's forget leaves in the database
        await forgetting.forget(session, SENDER)
    response = await client.post("/api/chat", json={"sender": SENDER, "message": "hello"})
    assert response.status == 410
    assert fake.received == []


@pytest.mark.parametrize(
    "outage",
    [
        lambda: OperationalError("SELECT 1", {}, ConnectionRefusedError("the database is restarting")),
        lambda: ConnectionRefusedError("the database is restarting"),
        # What asyncpg raises, not wrapped by SQLAlchemy, while PostgreSQL shuts down (seen in the scale drill).
        lambda: asyncpg.exceptions.CannotConnectNowError("the database system is shutting down"),
    ],
    ids=["sqlalchemy", "refused", "asyncpg-shutting-down"],
)
async def test_with_the_database_down_the_forgotten_check_gives_the_apology_not_a_500(outage):
    from bot.web.errors import ApiError
    from bot.web.forget import ForgottenTable

    class Down:
        async def __aenter__(self):
            raise outage()

        async def __aexit__(self, *exc):
            return False

    table = ForgottenTable(lambda: Down())
    for call in (table.contains(SENDER), table.add(SENDER)):
        with pytest.raises(ApiError) as raised:
            await call
        assert raised.value.status == 503
        assert "101" in raised.value.message and "999" in raised.value.message


async def test_a_bug_in_the_forgotten_check_is_not_passed_off_as_an_outage():
    from bot.web.forget import ForgottenTable

    class Broken:
        async def __aenter__(self):
            raise KeyError("a bug")

        async def __aexit__(self, *exc):
            return False

    with pytest.raises(KeyError):
        await ForgottenTable(lambda: Broken()).contains(SENDER)


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/api/chat/{}"), ("POST", "/api/chat/{}/forget")])
async def test_a_bug_in_forgetting_logs_no_conversation_id(client, monkeypatch, caplog, method, path):
    # The id is in the path and, as here, often in the error itself (a lookup keyed by it): the log gets neither.
    async def broken(session, sender):
        raise KeyError(sender)

    monkeypatch.setattr(forgetting, "forget", broken)
    with caplog.at_level(logging.DEBUG):
        response = await client.request(method, path.format(SENDER.upper()))
    assert response.status == 500
    assert (await response.json())["error"]["code"] == "internal_server_error"
    # (The test server's access log is aiohttp's own; the app's, PrivateAccessLogger, is tested on its own.)
    formatter = logging.Formatter()
    logged = "\n".join(formatter.format(r) for r in caplog.records if r.name != "aiohttp.access").lower()
    assert "keyerror" in logged  # the bug is still logged, with where it happened
    assert SENDER not in logged


async def test_a_sent_complaint_is_kept_when_its_conversation_is_forgotten(client, engine, sessions):
    # What the assistant says to "delete this chat" (utter_delete_chat): the quick exit deletes the conversation,
    # and a complaint already sent from it stays with the Complaint Resolution Team.
    await _make_events(engine, SENDER)
    async with unit_of_work(sessions) as session:
        details = ComplaintDetails(complainant_role="affected", name="Ada Lane", narrative="He shouted at me.",
                                   email="ada@example.org")  # fmt: skip
        complaint, _ = await tickets.create(session, details, sender_id=SENDER, key="forget-test",
                                            now=datetime.now(timezone.utc))  # fmt: skip
    assert (await client.post(f"/api/chat/{SENDER}/forget")).status == 204
    assert await _senders(engine) == []
    async with unit_of_work(sessions) as session:
        kept = await session.get(Complaint, complaint.id)
        assert kept is not None and kept.name == "Ada Lane"
