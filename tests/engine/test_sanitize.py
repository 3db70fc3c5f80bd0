"""Keeping secrets out of messages."""

from __future__ import annotations

import pytest

from custom_components.health_monitor.engine.sanitize import (
    MAX_MESSAGE_LENGTH,
    sanitize_message,
)


def test_url_credentials_are_removed() -> None:
    """User and password in a URL are replaced; scheme, host and path stay."""
    assert (
        sanitize_message("cannot reach postgresql://user:secret@host/db")
        == "cannot reach postgresql://***@host/db"
    )


def test_url_user_without_password_is_removed() -> None:
    """A user name alone in a URL is removed too."""
    assert sanitize_message("mqtt://admin@broker:1883") == "mqtt://***@broker:1883"


def test_url_without_credentials_is_unchanged() -> None:
    """A URL without a user part is left alone."""
    assert (
        sanitize_message("GET https://example.com/api") == "GET https://example.com/api"
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("password=hunter2 rejected", "password=*** rejected"),
        ("PASSWORD: hunter2", "PASSWORD: ***"),
        ("passwd=hunter2", "passwd=***"),
        ("pwd = hunter2", "pwd = ***"),
        ("secret=hunter2", "secret=***"),
        ("token=hunter2", "token=***"),
        ("api_key=hunter2", "api_key=***"),
        ("apikey:hunter2", "apikey:***"),
        ("password='hunter 2' end", "password=*** end"),
        ('password="hunter 2" end', "password=*** end"),
    ],
)
def test_key_value_secrets_are_removed(message: str, expected: str) -> None:
    """Password-like keys keep their name but lose their value."""
    assert sanitize_message(message) == expected


def test_literal_secrets_are_removed() -> None:
    """A configured secret is removed wherever it appears."""
    assert (
        sanitize_message("login s3cr3t failed for s3cr3t", secrets=("s3cr3t",))
        == "login *** failed for ***"
    )


def test_empty_literal_secret_is_ignored() -> None:
    """An empty configured secret does not mangle the message."""
    assert sanitize_message("all fine", secrets=("",)) == "all fine"


def test_whitespace_is_collapsed() -> None:
    """Newlines and runs of spaces become single spaces."""
    assert sanitize_message("  line one\n\n  line\ttwo  ") == "line one line two"


def test_long_message_is_truncated_with_an_ellipsis() -> None:
    """A message longer than the limit ends in an ellipsis at exactly the limit."""
    text = sanitize_message("x" * (MAX_MESSAGE_LENGTH + 50))
    assert len(text) == MAX_MESSAGE_LENGTH
    assert text.endswith("…")


def test_message_at_the_limit_is_kept_whole() -> None:
    """A message exactly at the limit is not truncated."""
    message = "x" * MAX_MESSAGE_LENGTH
    assert sanitize_message(message) == message


def test_url_password_containing_an_at_sign_is_removed() -> None:
    """A raw '@' inside a URL password does not leak the rest of it."""
    assert (
        sanitize_message("postgresql://user:p@ss@host/db") == "postgresql://***@host/db"
    )


def test_json_style_secret_is_removed() -> None:
    """A secret in a JSON or repr'd dict does not leak."""
    assert "hunter2" not in sanitize_message('{"password": "hunter2"}')
