from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings, SettingsError, normalise_database_url


def test_defaults_work_on_one_machine():
    settings = Settings.from_env({})
    assert settings.database_url == f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'bot.db'}"
    assert (settings.web_port, settings.rasa_port, settings.actions_port) == (8000, 5005, 5055)
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.actions_url == "http://127.0.0.1:5055"
    assert settings.web_url == "http://localhost:8000"


def test_environment_overrides_defaults():
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://u:p%40ss@db.example:5432/bot",
            "BOT_WEB_PORT": "9000",
            "BOT_RASA_PORT": "6005",
            "BOT_CORS_ORIGINS": "https://a.example, https://b.example",
            "BOT_VAR_DIR": "/tmp/botvar",
            "BOT_LOG_LEVEL": "debug",
        }
    )
    assert settings.database_url == "postgresql+asyncpg://u:p%40ss@db.example:5432/bot"
    assert settings.sync_database_url == "postgresql://u:p%40ss@db.example:5432/bot"
    assert settings.web_port == 9000
    assert settings.rasa_url == "http://127.0.0.1:6005"
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.var_dir == Path("/tmp/botvar")
    assert settings.log_level == "DEBUG"


def test_sqlite_file_follows_var_dir():
    settings = Settings.from_env({"BOT_VAR_DIR": "/tmp/x"})
    assert settings.database_url == "sqlite+aiosqlite:////tmp/x/bot.db"
    assert settings.sync_database_url == "sqlite:////tmp/x/bot.db"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///rel.db", "sqlite+aiosqlite:///rel.db"),
    ],
)
def test_database_urls_get_async_drivers(raw, expected):
    assert normalise_database_url(raw) == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BOT_WEB_PORT": "eighty"}, "BOT_WEB_PORT must be a whole number"),
        ({"BOT_RASA_PORT": "70000"}, "rasa_port must be between 1 and 65535"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "must be SQLite or PostgreSQL"),
        ({"DATABASE_URL": "not a url"}, "not a database URL"),
    ],
)
def test_bad_values_are_explained(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_secure_cookies_default_on_and_can_be_turned_off():
    assert Settings.from_env({}).secure_cookies is True
    assert Settings.from_env({"BOT_SECURE_COOKIES": "false"}).secure_cookies is False
    assert Settings.from_env({"BOT_SECURE_COOKIES": "1"}).secure_cookies is True
    with pytest.raises(SettingsError, match="BOT_SECURE_COOKIES must be true or false"):
        Settings.from_env({"BOT_SECURE_COOKIES": "maybe"})


def test_edge_settings_default_and_checked():
    settings = Settings.from_env({})
    assert (settings.chat_rate_per_address, settings.chat_rate_global, settings.rasa_timeout_seconds) == (300, 1800, 5)
    assert (settings.trusted_proxies, settings.redis_url, settings.rasa_token) == ((), "", "")
    custom = Settings.from_env(
        {"REDIS_URL": "redis://127.0.0.1:6379/0", "BOT_RASA_TOKEN": "t", "BOT_CHAT_RATE_GLOBAL": "10"}
    )
    assert (custom.redis_url, custom.rasa_token, custom.chat_rate_global) == ("redis://127.0.0.1:6379/0", "t", 10)
    with pytest.raises(SettingsError, match="REDIS_URL must start with"):
        Settings.from_env({"REDIS_URL": "http://example.org"})
    with pytest.raises(SettingsError, match="chat_rate_global must be at least 1"):
        Settings.from_env({"BOT_CHAT_RATE_GLOBAL": "0"})


@pytest.mark.parametrize(
    ("raw", "asyncpg_url", "psycopg2_url"),
    [
        # libpq's spelling, as a managed PostgreSQL's connection string gives it: asyncpg calls it ssl.
        ("postgresql://u:p%40ss@db.example/bot?sslmode=require",
         "postgresql+asyncpg://u:p%40ss@db.example/bot?ssl=require", "postgresql://u:p%40ss@db.example/bot?sslmode=require"),
        # asyncpg's spelling (what `run` hands its children) is accepted too: psycopg2 calls it sslmode.
        ("postgres://u@h/bot?ssl=verify-full", "postgresql+asyncpg://u@h/bot?ssl=verify-full",
         "postgresql://u@h/bot?sslmode=verify-full"),
        ("postgresql://u@h/bot?sslmode=Disable&ssl=disable", "postgresql+asyncpg://u@h/bot?ssl=disable",
         "postgresql://u@h/bot?sslmode=disable"),
        # host and port mean the same to both: a Unix socket's directory, or several hosts.
        ("postgresql://u@/bot?host=/run/postgresql&sslmode=prefer",
         "postgresql+asyncpg://u@/bot?host=%2Frun%2Fpostgresql&ssl=prefer",
         "postgresql://u@/bot?host=%2Frun%2Fpostgresql&sslmode=prefer"),
        ("postgresql://u@/bot?host=a:5432&host=b:5433", "postgresql+asyncpg://u@/bot?host=a%3A5432&host=b%3A5433",
         "postgresql://u@/bot?host=a%3A5432&host=b%3A5433"),
        ("postgresql://u@h/bot", "postgresql+asyncpg://u@h/bot", "postgresql://u@h/bot"),
    ],
)  # fmt: skip
def test_database_url_options_are_translated_for_each_driver(raw, asyncpg_url, psycopg2_url):
    settings = Settings.from_env({"DATABASE_URL": raw})
    assert settings.database_url == asyncpg_url
    assert settings.sync_database_url == psycopg2_url
    # `run` hands its children the normalised URL, which they read again.
    assert normalise_database_url(settings.database_url) == asyncpg_url


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"])
def test_every_ssl_mode_of_both_drivers_is_accepted(mode):
    settings = Settings.from_env({"DATABASE_URL": f"postgresql://u@h/bot?sslmode={mode}"})
    assert settings.database_url.endswith(f"?ssl={mode}")
    assert settings.sync_database_url.endswith(f"?sslmode={mode}")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sslmode=requir",
         "DATABASE_URL's sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, not 'requir'"),
        ("ssl=true", "DATABASE_URL's ssl must be one of disable"),
        ("sslmode=require&ssl=disable", "both sslmode and ssl, with different values"),
        ("sslmode=require&sslmode=disable", "gives sslmode more than once"),
        ("sslmode=verify-full&sslrootcert=/etc/ca.pem",
         "cannot carry sslrootcert .* set the PGSSLROOTCERT environment variable instead, which both drivers read"),
        ("sslcert=/c.pem", "cannot carry sslcert .* PGSSLCERT"),
        ("sslkey=/k.pem", "cannot carry sslkey .* PGSSLKEY"),
        ("application_name=bot",
         "option 'application_name' is not supported: only sslmode \\(or ssl\\), host and port work with both"),
        ("connect_timeout=10", "option 'connect_timeout' is not supported"),
        ("prepared_statement_cache_size=0", "option 'prepared_statement_cache_size' is not supported"),
    ],
)  # fmt: skip
def test_database_url_options_neither_driver_can_take_are_settings_errors(query, message):
    with pytest.raises(SettingsError, match=message) as error:
        Settings.from_env({"DATABASE_URL": f"postgresql://u:secret@h/bot?{query}"})
    assert "secret" not in str(error.value)  # the message names the option, never the URL with its password
