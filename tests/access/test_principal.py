"""The principal and the production refusal of the development secret key."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import SecretStr

from access.principal import ANONYMOUS, Principal
from models.enums import Role
from settings import DEFAULT_SECRET_KEY, Settings, UnsafeSettingsError
from tests.keys import PRODUCTION_KEYS


def test_anonymous_is_not_authenticated_and_acts_as_api_anonymous() -> None:
    assert Principal.anonymous() is ANONYMOUS
    assert not ANONYMOUS.is_authenticated
    assert ANONYMOUS.actor == "api:anonymous"
    assert ANONYMOUS.role is None


def test_a_signed_in_principal_acts_as_its_user() -> None:
    principal = Principal(user_id=3, username="li.hua", role=Role.STREET_STAFF, street_id=9)

    assert principal.is_authenticated
    assert principal.actor == "user:li.hua"


def test_a_principal_cannot_be_changed() -> None:
    principal = Principal(user_id=3, username="li.hua", role=Role.AUDITOR)

    with pytest.raises(dataclasses.FrozenInstanceError):
        principal.role = Role.DISTRICT_ADMIN  # type: ignore[misc]


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_the_secret_key_defaults_to_the_development_value_and_is_not_printed() -> None:
    default = settings()

    assert default.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
    assert DEFAULT_SECRET_KEY not in repr(default)
    assert (default.access_token_minutes, default.refresh_token_days) == (15, 14)
    default.check_safe_to_serve()  # development: the default is fine


@pytest.mark.parametrize("key", [DEFAULT_SECRET_KEY, "too short for production"])
def test_production_refuses_a_default_or_short_secret_key(key: str) -> None:
    production = settings(environment="production", secret_key=SecretStr(key))

    with pytest.raises(UnsafeSettingsError, match="BANGFU_SECRET_KEY"):
        production.check_safe_to_serve()


def test_production_accepts_a_long_random_secret_key() -> None:
    production = settings(
        environment="production", secret_key=SecretStr("k" * 48), **PRODUCTION_KEYS
    )
    production.check_safe_to_serve()


def test_the_secret_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANGFU_SECRET_KEY", "s" * 40)

    assert settings().secret_key.get_secret_value() == "s" * 40
