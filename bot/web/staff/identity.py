"""The signed-in staff member of a request, as the auth middleware found them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aiohttp import web


@dataclass(frozen=True)
class StaffIdentity:
    """The signed-in staff member of a request (csrf_token only for dashboard sessions)."""

    id: int
    email: str
    role: str
    via: Literal["session", "token"]
    csrf_token: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names this person."""
        return f"staff:{self.id}"

    @property
    def is_supervisor(self) -> bool:
        """Supervisors see the audit log and assign work."""
        return self.role == "supervisor"


STAFF = web.RequestKey("staff", StaffIdentity)
SESSION_TOKEN = web.RequestKey("staff_session_token", str)


def current_staff(request: web.Request) -> StaffIdentity:
    """The signed-in staff member; only call it behind the middleware or a require_* decorator."""
    identity = request.get(STAFF)
    if identity is None:
        raise web.HTTPUnauthorized(reason="Sign in first.")
    return identity
