"""Typed keys for what the app factory puts on the application."""

from __future__ import annotations

import aiohttp
import jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.web.forgotten import ForgottenSenders
from bot.web.ratelimit import RateLimiter
from bot.web.replay_cache import ReplayCache

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", AsyncEngine)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
HTTP = web.AppKey("http", aiohttp.ClientSession)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
SENDER_LIMITER = web.AppKey("sender_limiter", RateLimiter)
IP_LIMITER = web.AppKey("ip_limiter", RateLimiter)
REPLAYS = web.AppKey("replays", ReplayCache)
FORGOTTEN = web.AppKey("forgotten", ForgottenSenders)
