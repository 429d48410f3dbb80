"""DATABASE_URL for its two drivers: asyncpg (our code) and psycopg2 (Rasa's tracker store), options translated."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url


class DatabaseUrlError(ValueError):
    """DATABASE_URL cannot be used (the message names what is wrong, never the URL or its password)."""


def for_psycopg2(normalised: str) -> str:
    """The same database for Rasa's synchronous SQLAlchemy 1.4 tracker store (psycopg2's option names)."""
    url = make_url(normalised)
    if url.get_backend_name() == "sqlite":
        return url.set(drivername="sqlite").render_as_string(hide_password=False)
    return _postgres(url, "postgresql", "sslmode")


def for_asyncpg(raw: str) -> str:
    """Give a database URL its async driver (postgres:// and sqlite:// are accepted as typed)."""
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://"):]
    try:
        url = make_url(raw)
    except Exception as exc:  # sqlalchemy raises ArgumentError, keep the message ours
        raise DatabaseUrlError(f"DATABASE_URL is not a database URL: {exc}") from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    if backend == "postgresql":
        # asyncpg's name for the mode; SQLAlchemy's asyncpg dialect passes it to asyncpg.connect(ssl=...) as is.
        return _postgres(url, "postgresql+asyncpg", "ssl")
    raise DatabaseUrlError(f"DATABASE_URL must be SQLite or PostgreSQL, not {backend}")


def _postgres(url: URL, drivername: str, ssl_option: str) -> str:
    """The URL for one driver: its name, the options both share, and the SSL mode under the driver's own name."""
    shared, ssl_mode = _postgres_options(url)
    query = {**shared, **({ssl_option: ssl_mode} if ssl_mode else {})}
    return url.set(drivername=drivername, query=query).render_as_string(hide_password=False)


# A PostgreSQL DATABASE_URL reaches two drivers: asyncpg (SQLAlchemy 2.0: web app, actions, CLI, Alembic) and,
# through sync_database_url, psycopg2 (SQLAlchemy 1.4: Rasa's tracker store). Each takes the URL's query options
# as its own keywords and fails on the other's names only when it first connects (asyncpg: a TypeError, psycopg2:
# "invalid connection option"), possibly in another process. So only options given to both correctly are accepted,
# and any other is a settings error naming it, at startup:
# - sslmode (libpq's name) or ssl (asyncpg's, which the normalised URL carries), translated for each driver;
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")  # libpq's, and asyncpg's too
# - host and port, which both dialects read the same way (a Unix socket's directory, or several hosts).
SHARED_OPTIONS = ("host", "port")
# The certificate files have no asyncpg keyword, but both drivers read the same environment variables.
CERTIFICATE_VARIABLES = {
    "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "sslcrl": "PGSSLCRL",
}  # fmt: skip


def _postgres_options(url: URL) -> tuple[dict[str, str | tuple[str, ...]], str]:
    """Check a PostgreSQL URL's query options: (the options both drivers share, the SSL mode or "")."""
    query = dict(url.query)
    modes: dict[str, str] = {}
    for name in ("sslmode", "ssl"):
        value = query.pop(name, None)
        if value is None:
            continue
        if not isinstance(value, str):
            raise DatabaseUrlError(f"DATABASE_URL gives {name} more than once")
        if value.lower() not in SSL_MODES:
            raise DatabaseUrlError(f"DATABASE_URL's {name} must be one of {', '.join(SSL_MODES)}, not {value!r}")
        modes[name] = value.lower()
    if len(set(modes.values())) > 1:
        raise DatabaseUrlError("DATABASE_URL gives both sslmode and ssl, with different values: give sslmode alone")
    for name in query:
        if name in CERTIFICATE_VARIABLES:
            raise DatabaseUrlError(
                f"DATABASE_URL cannot carry {name} (the web app's driver, asyncpg, has no such option): "
                f"set the {CERTIFICATE_VARIABLES[name]} environment variable instead, which both drivers read"
            )
        if name not in SHARED_OPTIONS:
            raise DatabaseUrlError(
                f"DATABASE_URL option {name!r} is not supported: only sslmode (or ssl), host and port work with "
                "both database drivers"
            )
    return {name: query[name] for name in SHARED_OPTIONS if name in query}, next(iter(modes.values()), "")
