"""Configuration: the embedded default needs nothing; production refuses unsafe defaults."""
import pytest

import config


def test_production_without_secret_key_is_a_startup_error(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://x/y")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.get_config("production")


def test_production_with_environment_is_accepted(monkeypatch):
    for name, value in {"SECRET_KEY": "s" * 32, "DATABASE_URL": "postgresql://x/y",
                        "REDIS_URL": "redis://r:6379/0"}.items():
        monkeypatch.setenv(name, value)
    assert config.get_config("production") is config.ProductionConfig
    assert config.ProductionConfig.SESSION_COOKIE_SECURE is True


def test_default_is_a_sqlite_file_and_local_redis():
    assert config.Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert config.Config.REDIS_URL.startswith("redis://127.0.0.1")
    # logins limited by Tessera's own failed-attempt counters (FAB's per-POST limiter off)
    assert config.Config.AUTH_RATE_LIMIT and not config.Config.AUTH_RATE_LIMITED
    assert config.Config.WTF_CSRF_ENABLED


def test_unknown_config_name():
    with pytest.raises(RuntimeError):
        config.get_config("staging")
