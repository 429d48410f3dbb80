"""Staff accounts in the dashboard (supervisors): disable, enable, reset a password, revoke API tokens.

The same as `python -m bot staff disable|enable|reset-password|revoke-tokens EMAIL`, as CSRF-protected forms
(the staff middleware checks every POST's token). Every view and change is audited, by the services.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import unit_of_work
from bot.db.models import StaffApiToken, StaffSession, StaffUser
from bot.services import audit, clock
from bot.services.parsing.ids import parse_id
from bot.services.staff import accounts
from bot.services.staff import sessions as staff_sessions
from bot.web.body import read_form
from bot.web.keys import SESSIONS
from bot.web.staff.auth import require_staff
from bot.web.staff.identity import current_staff
from bot.web.staff.pages import redirect, render_staff

routes = web.RouteTableDef()

BASE = "/staff/accounts"
MAX_PASSWORD_CHARS = 1000
DONE = {
    "disabled": "The account is disabled: it is signed out everywhere and its API tokens are revoked.",
    "enabled": "The account can sign in again.",
    "password": "The password is changed and the account is signed out everywhere.",
    "tokens": "Every API token of the account is revoked.",
    "token": "The API token is revoked.",
}


def _staff_id(request: web.Request, name: str = "staff_id") -> int:
    staff_id = parse_id(request.match_info[name])
    if staff_id is None:
        raise web.HTTPNotFound()
    return staff_id


async def _account(db: AsyncSession, request: web.Request) -> StaffUser:
    user = await accounts.get(db, _staff_id(request))
    if user is None:
        raise web.HTTPNotFound()
    return user


async def _counts(db: AsyncSession, model: type[StaffSession] | type[StaffApiToken], *where: Any) -> dict[int, int]:
    rows = await db.execute(select(model.staff_id, func.count()).where(*where).group_by(model.staff_id))
    return {staff_id: int(number) for staff_id, number in rows.all()}


@routes.get(BASE)
@require_staff(role="supervisor")
async def accounts_page(request: web.Request) -> web.Response:
    """Every account with its role, whether it may sign in, and its live sessions and API tokens."""
    identity, now = current_staff(request), clock.now()
    async with unit_of_work(request.app[SESSIONS]) as db:
        users = await accounts.everyone(db)
        signed_in = await _counts(db, StaffSession, StaffSession.expires_at > now)
        tokens = await _counts(db, StaffApiToken, StaffApiToken.revoked.is_(False), StaffApiToken.expires_at > now)
        await audit.record(db, actor=identity.actor, action="staff.accounts_viewed")
    return render_staff(request, "staff/accounts.html", title="Staff accounts", users=users, signed_in=signed_in,
                        tokens=tokens)


async def _account_page(request: web.Request, *, error: str = "", status: int = 200) -> web.Response:
    identity, now = current_staff(request), clock.now()
    async with unit_of_work(request.app[SESSIONS]) as db:
        user = await _account(db, request)
        tokens = await staff_sessions.api_tokens(db, user.id)
        await audit.record(db, actor=identity.actor, action="staff.account_viewed", subject=f"staff:{user.id}")
    done = DONE.get(request.query.get("done", "")) if not error else None
    return render_staff(
        request, "staff/account.html", status=status, title=user.email, account=user, tokens=tokens,
        state={token.id: staff_sessions.token_state(token, now) for token in tokens}, done=done, error=error,
        error_summary=error, is_self=user.id == identity.id, min_length=accounts.MIN_PASSWORD_LENGTH,
    )


@routes.get(BASE + "/{staff_id}")
@require_staff(role="supervisor")
async def account_page(request: web.Request) -> web.Response:
    """One account: its state, its API tokens (dates only, never the token) and the forms to change it."""
    return await _account_page(request)


def _done(user: StaffUser, what: str) -> web.Response:
    return redirect(f"{BASE}/{user.id}?done={what}")


@routes.post(BASE + "/{staff_id}/{change:disable|enable|revoke-tokens}")
@require_staff(role="supervisor")
async def change_account(request: web.Request) -> web.Response:
    """Disable (sign out everywhere, revoke tokens) or enable an account, or revoke all its tokens."""
    identity, change = current_staff(request), request.match_info["change"]
    if change == "disable" and _staff_id(request) == identity.id:
        return await _account_page(request, error="You cannot disable your own account: ask another supervisor.",
                                   status=400)
    async with unit_of_work(request.app[SESSIONS]) as db:
        user = await _account(db, request)
        if change == "disable":
            await accounts.disable(db, user, actor=identity.actor)
        elif change == "enable":
            await accounts.enable(db, user, actor=identity.actor)
        else:
            await staff_sessions.revoke_api_tokens(db, user.id, actor=identity.actor)
    return _done(user, {"disable": "disabled", "enable": "enabled", "revoke-tokens": "tokens"}[change])


@routes.post(BASE + "/{staff_id}/reset-password")
@require_staff(role="supervisor")
async def reset_password(request: web.Request) -> web.Response:
    """Give the account a new password (typed twice) and sign it out everywhere."""
    identity, form = current_staff(request), await read_form(request)
    password = str(form.get("password", ""))[:MAX_PASSWORD_CHARS]
    if password != str(form.get("confirm", ""))[:MAX_PASSWORD_CHARS]:
        return await _account_page(request, error="The two passwords are different.", status=400)
    if len(password) < accounts.MIN_PASSWORD_LENGTH:
        message = f"The new password must have at least {accounts.MIN_PASSWORD_LENGTH} characters."
        return await _account_page(request, error=message, status=400)
    async with unit_of_work(request.app[SESSIONS]) as db:
        user = await _account(db, request)
        await accounts.reset_password(db, user, password, actor=identity.actor)
    if user.id == identity.id:
        return redirect("/staff/login")  # their own sessions, this one included, have just ended
    return _done(user, "password")


@routes.post(BASE + "/{staff_id}/tokens/{token_id}/revoke")
@require_staff(role="supervisor")
async def revoke_token(request: web.Request) -> web.Response:
    """Revoke one API token of the account."""
    identity = current_staff(request)
    async with unit_of_work(request.app[SESSIONS]) as db:
        user = await _account(db, request)
        token = await db.get(StaffApiToken, _staff_id(request, "token_id"))
        if token is None or token.staff_id != user.id:
            raise web.HTTPNotFound()
        await staff_sessions.revoke_api_token(db, token, actor=identity.actor)
    return _done(user, "token")
