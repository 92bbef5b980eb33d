"""Fixtures shared by every test: a temporary media folder, the two-scope world, clients."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from xinju.core.testing.world import World, build_world


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Real password hashing costs a quarter of a second per user; tests make dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """Tests read messages in English; those about the Chinese default ask for `chinese`."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def chinese(settings: Any) -> None:
    """The production default: Simplified Chinese unless the user switched."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    translation.activate("zh-hans")


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def login(client: Client) -> Any:
    """login(user) → a test client signed in as that user."""

    def _login(user: Any) -> Client:
        client.force_login(user)
        return client

    return _login
