"""Keeping secrets out of messages."""

from __future__ import annotations

import pytest

from custom_components.health_monitor.engine.sanitize import (
    MAX_MESSAGE_LENGTH,
    redact_url_credentials,
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


# --- Bounded work on any input ------------------------------------------------
# Each input below made the former expression rescan the rest of the text from
# every "://" or letter (quadratic: 40 k characters took 12 s, a megabyte
# hours). The redaction now reads each character a bounded number of times.

MEGABYTE = 1_000_000


@pytest.mark.parametrize(
    "filler", ["a://", "a", ":", "a:", "a://b:c/", "http://x:y/"], ids=repr
)
def test_credentials_after_a_megabyte_of_url_like_text_are_removed(
    filler: str,
) -> None:
    """A real URL after a megabyte of scheme-like text without "@" is still redacted."""
    noise = filler * (MEGABYTE // len(filler))
    text = redact_url_credentials(f"{noise} mqtt://user:hunter2@broker:1883")
    assert text == f"{noise} mqtt://***@broker:1883"


def test_password_with_at_signs_across_a_megabyte_word_is_removed() -> None:
    """The password still runs to the last "@" of a very long word."""
    password = "p@" * (MEGABYTE // 2)
    assert (
        redact_url_credentials(f"postgresql://user:{password}@db/x")
        == "postgresql://***@db/x"
    )


@pytest.mark.parametrize(
    "message",
    [
        "a://" * (MEGABYTE // 4),
        "a" * MEGABYTE,
        'password="' * (MEGABYTE // 10),
        "x " * (MEGABYTE // 2),
        "\x00" * MEGABYTE,
    ],
    ids=["schemes", "letters", "open quotes", "words", "NUL"],
)
def test_megabyte_message_is_cut_to_the_limit(message: str) -> None:
    """Whatever a server or a user sends, the message shown is bounded."""
    assert len(sanitize_message(message)) <= MAX_MESSAGE_LENGTH


def test_secret_before_a_megabyte_of_text_is_removed() -> None:
    """What is shown is redacted, however much follows it."""
    text = sanitize_message(
        "login to postgresql://app:hunter2@db failed " + "x" * MEGABYTE
    )
    assert text == "login to postgresql://***@db failed …"


def test_word_cut_by_the_window_is_dropped_whole() -> None:
    """A URL whose "@" lies beyond the window never shows its password's start."""
    words = " ".join(["word"] * 50)
    url = "postgresql://app:" + "s3cr3t" * 1000 + "@db/x"
    text = sanitize_message(f"{words} {url}")
    assert "s3cr3t" not in text
    assert text == f"{words} …"


def test_literal_secret_is_removed_before_the_text_is_cut() -> None:
    """A configured secret is masked even where the cut would split it."""
    secret = "k" * 2000
    text = sanitize_message(f"login {secret} rejected", secrets=(secret,))
    assert text == "login *** rejected"
