"""One typed settings object, read from the environment (BOT_ prefix, DATABASE_URL)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot import database_url as urls

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting from the environment has a value we cannot use."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from exc


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, not {raw!r}") from exc
    if value < 0:
        raise SettingsError(f"{name} must not be negative, not {raw!r}")
    return value


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in env.get(name, "").split(",") if item.strip())


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    networks = []
    for item in _list(env, name):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise SettingsError(f"{name} must list addresses or CIDR ranges (commas between), not {item!r}") from exc
    return tuple(networks)


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name)
    path = Path(raw) if raw else default
    return path if path.is_absolute() else PROJECT_ROOT / path


MIN_SECRET_KEY_CHARS = 32
RETENTION_SETTINGS = (
    "retain_conversations_days", "retain_complaints_days", "retain_lost_reports_days", "retain_lost_margin_days",
    "retain_audit_days", "retain_alerts_days", "form_idle_minutes",
)  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with defaults that work on one machine."""

    database_url: str = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'bot.db'}"
    host: str = "127.0.0.1"
    web_port: int = 8000
    rasa_port: int = 5005
    actions_port: int = 5055
    project_root: Path = PROJECT_ROOT
    var_dir: Path = PROJECT_ROOT / "var"
    models_dir: Path = PROJECT_ROOT / "models"
    rasa_bin: Path = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
    model: Path | None = None  # a pinned model file; by default the one trained from the current data
    cors_origins: tuple[str, ...] = ()
    chat_max_chars: int = 1000
    chat_rate_per_minute: int = 30
    # One address can be many residents (a library, a mobile network), so its limit is looser.
    chat_rate_per_address: int = 300
    # Messages of one address being answered at once: one flooding client cannot fill Rasa's queue.
    chat_in_flight_per_address: int = 5
    # Every resident together, across every web instance (shared state): beyond it, a polite 429.
    chat_rate_global: int = 1800
    # Proxies whose X-Forwarded-For we believe (CIDR ranges); none by default: the peer is the client.
    trusted_proxies: tuple[str, ...] = ()
    # The resident has an answer or an apology with a phone number within this many seconds.
    rasa_timeout_seconds: int = 5
    # Rasa's HTTP API (the tracker, for the apology's phone number); `run` makes one up when empty.
    rasa_token: str = ""
    # Shared state of several web instances (replay cache, rate limits, forgotten senders) and Rasa's lock store
    # (replicas never handle one conversation at once); empty: in process, no lock store.
    redis_url: str = ""
    startup_timeout_seconds: int = 300
    log_level: str = "INFO"
    # Staff cookies only over HTTPS (browsers count http://localhost as secure; aiohttp's test client does not).
    secure_cookies: bool = True
    environment: str = "development"  # "production" requires BOT_SECRET_KEY
    # Keys every pseudonym (HMAC-SHA256); empty: generated into <var_dir>/secret_key (bot.secret_key).
    secret_key: str = field(default="", repr=False)
    # Retention (bot.services.retention; `python -m bot purge`, run daily by `run`), in days.
    retain_conversations_days: int = 30
    retain_complaints_days: int = 2190  # after a complaint is closed: six years, the usual limit for legal claims
    retain_lost_reports_days: int = 120  # a lost report with no matched item: found items are held ~90 days
    retain_lost_margin_days: int = 30  # a matched report: this long after the item's disposal date
    retain_audit_days: int = 730
    # A status-check alert names the reference: deleted this long after it was dealt with or, while nobody has,
    # after its last failed check (so an ignored one goes too); the alerts page lists those dealt with for 30 days.
    retain_alerts_days: int = 30
    form_idle_minutes: int = 60  # a form left this long loses what was typed (Rasa's session expiry)
    api_token_days: int = 90  # staff API tokens expire this many days after they are made
    staff_sign_ins_per_minute: int = 60  # password checks a minute, all addresses together, per web process
    # Supervision (`run`, `scale-demo`): a dead or silent service is restarted with doubling back-off; after
    # restart_max_failures failures of one service within restart_window_seconds, everything stops.
    restart_max_failures: int = 5
    restart_window_seconds: float = 300.0
    restart_backoff_seconds: float = 1.0
    # A running service is probed every health_interval_seconds; health_failures probes in a row without any
    # answer within health_timeout_seconds mean it hangs, and it is killed and restarted.
    health_interval_seconds: float = 5.0
    health_timeout_seconds: float = 5.0
    health_failures: int = 3
    # `scale-demo`: the port nginx listens on (loopback), in front of the replicas.
    scale_port: int = 8080

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from the environment (or the mapping given)."""
        env = os.environ if env is None else env
        defaults = cls()
        var_dir = _path(env, "BOT_VAR_DIR", defaults.var_dir)
        database_url = env.get("DATABASE_URL") or f"sqlite+aiosqlite:///{var_dir / 'bot.db'}"
        settings = cls(
            database_url=normalise_database_url(database_url),
            host=env.get("BOT_HOST") or defaults.host,
            web_port=_int(env, "BOT_WEB_PORT", defaults.web_port),
            rasa_port=_int(env, "BOT_RASA_PORT", defaults.rasa_port),
            actions_port=_int(env, "BOT_ACTIONS_PORT", defaults.actions_port),
            var_dir=var_dir,
            models_dir=_path(env, "BOT_MODELS_DIR", defaults.models_dir),
            rasa_bin=_path(env, "BOT_RASA_BIN", defaults.rasa_bin),
            model=_path(env, "BOT_MODEL", Path()) if env.get("BOT_MODEL") else None,
            cors_origins=_list(env, "BOT_CORS_ORIGINS"),
            chat_max_chars=_int(env, "BOT_CHAT_MAX_CHARS", defaults.chat_max_chars),
            chat_rate_per_minute=_int(env, "BOT_CHAT_RATE_PER_MINUTE", defaults.chat_rate_per_minute),
            chat_rate_per_address=_int(env, "BOT_CHAT_RATE_PER_ADDRESS", defaults.chat_rate_per_address),
            chat_in_flight_per_address=_int(
                env, "BOT_CHAT_IN_FLIGHT_PER_ADDRESS", defaults.chat_in_flight_per_address
            ),
            chat_rate_global=_int(env, "BOT_CHAT_RATE_GLOBAL", defaults.chat_rate_global),
            trusted_proxies=_networks(env, "BOT_TRUSTED_PROXIES"),
            rasa_timeout_seconds=_int(env, "BOT_RASA_TIMEOUT", defaults.rasa_timeout_seconds),
            rasa_token=env.get("BOT_RASA_TOKEN") or defaults.rasa_token,
            redis_url=env.get("REDIS_URL") or defaults.redis_url,
            startup_timeout_seconds=_int(env, "BOT_STARTUP_TIMEOUT", defaults.startup_timeout_seconds),
            log_level=(env.get("BOT_LOG_LEVEL") or defaults.log_level).upper(),
            secure_cookies=_bool(env, "BOT_SECURE_COOKIES", defaults.secure_cookies),
            environment=(env.get("BOT_ENV") or defaults.environment).strip().lower(),
            secret_key=(env.get("BOT_SECRET_KEY") or "").strip(),
            **{name: _int(env, f"BOT_{name.upper()}", getattr(defaults, name)) for name in RETENTION_SETTINGS},
            api_token_days=_int(env, "BOT_API_TOKEN_DAYS", defaults.api_token_days),
            staff_sign_ins_per_minute=_int(env, "BOT_STAFF_SIGN_INS_PER_MINUTE", defaults.staff_sign_ins_per_minute),
            restart_max_failures=_int(env, "BOT_RESTART_MAX_FAILURES", defaults.restart_max_failures),
            restart_window_seconds=_float(env, "BOT_RESTART_WINDOW", defaults.restart_window_seconds),
            restart_backoff_seconds=_float(env, "BOT_RESTART_BACKOFF", defaults.restart_backoff_seconds),
            health_interval_seconds=_float(env, "BOT_HEALTH_INTERVAL", defaults.health_interval_seconds),
            health_timeout_seconds=_float(env, "BOT_HEALTH_TIMEOUT", defaults.health_timeout_seconds),
            health_failures=_int(env, "BOT_HEALTH_FAILURES", defaults.health_failures),
            scale_port=_int(env, "BOT_SCALE_PORT", defaults.scale_port),
        )
        if settings.environment not in ("development", "production"):
            raise SettingsError(f"BOT_ENV must be development or production, not {settings.environment!r}")
        if settings.environment == "production" and len(settings.secret_key) < MIN_SECRET_KEY_CHARS:
            minimum = MIN_SECRET_KEY_CHARS
            raise SettingsError(f"BOT_SECRET_KEY must be set in production (at least {minimum} characters)")
        for name in RETENTION_SETTINGS:
            if getattr(settings, name) < 0:
                raise SettingsError(f"BOT_{name.upper()} must be 0 or more, not {getattr(settings, name)}")
        if settings.restart_max_failures < 1 or settings.health_failures < 1:
            raise SettingsError("BOT_RESTART_MAX_FAILURES and BOT_HEALTH_FAILURES must be at least 1")
        for name in ("web_port", "rasa_port", "actions_port", "scale_port"):
            port = getattr(settings, name)
            if not 0 < port < 65536:
                raise SettingsError(f"{name} must be between 1 and 65535, not {port}")
        for name in ("chat_rate_per_minute", "chat_rate_per_address", "chat_rate_global", "chat_in_flight_per_address",
                     "rasa_timeout_seconds"):
            if getattr(settings, name) < 1:
                raise SettingsError(f"{name} must be at least 1, not {getattr(settings, name)}")
        if settings.redis_url and not settings.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError("REDIS_URL must start with redis://, rediss:// or unix://")
        for name, variable in (("api_token_days", "BOT_API_TOKEN_DAYS"),
                               ("staff_sign_ins_per_minute", "BOT_STAFF_SIGN_INS_PER_MINUTE")):
            if getattr(settings, name) < 1:
                raise SettingsError(f"{variable} must be at least 1, not {getattr(settings, name)}")
        return settings

    @property
    def rasa_url(self) -> str:
        """Where the Rasa server listens (loopback only)."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        """Where the action server listens (loopback only)."""
        return f"http://127.0.0.1:{self.actions_port}"

    @property
    def web_url(self) -> str:
        """The public address of the web app, as a person would type it."""
        host = "localhost" if self.host in ("127.0.0.1", "0.0.0.0", "::") else self.host  # noqa: S104
        return f"http://{host}:{self.web_port}"

    @property
    def sync_database_url(self) -> str:
        """The same database for Rasa's synchronous SQLAlchemy 1.4 tracker store (psycopg2's option names)."""
        try:
            return urls.for_psycopg2(self.database_url)
        except urls.DatabaseUrlError as exc:
            raise SettingsError(str(exc)) from None


def normalise_database_url(raw: str) -> str:
    """Give a database URL its async driver (postgres:// and sqlite:// are accepted as typed)."""
    try:
        return urls.for_asyncpg(raw)
    except urls.DatabaseUrlError as exc:
        raise SettingsError(str(exc)) from None
