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
