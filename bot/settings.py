"""One typed settings object, read from the environment (BOT_ prefix, DATABASE_URL)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

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


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name)
    path = Path(raw) if raw else default
    return path if path.is_absolute() else PROJECT_ROOT / path


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
    rasa_timeout_seconds: int = 30
    startup_timeout_seconds: int = 300
    log_level: str = "INFO"
    # Staff cookies only over HTTPS (browsers count http://localhost as secure; aiohttp's test client does not).
    secure_cookies: bool = True
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
    # Redis (redis://host:port/db): Rasa's lock store when set, so replicas never handle one conversation at once.
    redis_url: str = ""
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
            rasa_timeout_seconds=_int(env, "BOT_RASA_TIMEOUT", defaults.rasa_timeout_seconds),
            startup_timeout_seconds=_int(env, "BOT_STARTUP_TIMEOUT", defaults.startup_timeout_seconds),
            log_level=(env.get("BOT_LOG_LEVEL") or defaults.log_level).upper(),
            secure_cookies=_bool(env, "BOT_SECURE_COOKIES", defaults.secure_cookies),
            restart_max_failures=_int(env, "BOT_RESTART_MAX_FAILURES", defaults.restart_max_failures),
            restart_window_seconds=_float(env, "BOT_RESTART_WINDOW", defaults.restart_window_seconds),
            restart_backoff_seconds=_float(env, "BOT_RESTART_BACKOFF", defaults.restart_backoff_seconds),
            health_interval_seconds=_float(env, "BOT_HEALTH_INTERVAL", defaults.health_interval_seconds),
            health_timeout_seconds=_float(env, "BOT_HEALTH_TIMEOUT", defaults.health_timeout_seconds),
            health_failures=_int(env, "BOT_HEALTH_FAILURES", defaults.health_failures),
            redis_url=env.get("REDIS_URL") or defaults.redis_url,
            scale_port=_int(env, "BOT_SCALE_PORT", defaults.scale_port),
        )
        if settings.restart_max_failures < 1 or settings.health_failures < 1:
            raise SettingsError("BOT_RESTART_MAX_FAILURES and BOT_HEALTH_FAILURES must be at least 1")
        if settings.redis_url and not settings.redis_url.startswith(("redis://", "rediss://")):
            raise SettingsError(f"REDIS_URL must start with redis:// or rediss://, not {settings.redis_url[:20]!r}")
        for name in ("web_port", "rasa_port", "actions_port", "scale_port"):
            port = getattr(settings, name)
            if not 0 < port < 65536:
                raise SettingsError(f"{name} must be between 1 and 65535, not {port}")
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
        """The same database for Rasa's synchronous SQLAlchemy 1.4 tracker store."""
        url = make_url(self.database_url)
        driver = {"sqlite": "sqlite", "postgresql": "postgresql"}[url.get_backend_name()]
        return url.set(drivername=driver).render_as_string(hide_password=False)


def normalise_database_url(raw: str) -> str:
    """Give a database URL its async driver (postgres:// and sqlite:// are accepted as typed)."""
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://"):]
    try:
        url = make_url(raw)
    except Exception as exc:  # sqlalchemy raises ArgumentError, keep the message ours
        raise SettingsError(f"DATABASE_URL is not a database URL: {exc}") from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    if backend == "postgresql":
        return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise SettingsError(f"DATABASE_URL must be SQLite or PostgreSQL, not {backend}")
