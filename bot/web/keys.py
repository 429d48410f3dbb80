"""Typed keys for what the app factory puts on the application."""

from __future__ import annotations

import aiohttp
import jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.web.domain_info import DomainInfo
from bot.web.replay_cache import ReplayCache
from bot.web.state import ForgottenSenders, SharedState

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", AsyncEngine)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
HTTP = web.AppKey("http", aiohttp.ClientSession)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
STATE = web.AppKey("state", SharedState)
REPLAYS = web.AppKey("replays", ReplayCache)
FORGOTTEN = web.AppKey("forgotten", ForgottenSenders)
DOMAIN = web.AppKey("domain", DomainInfo)
