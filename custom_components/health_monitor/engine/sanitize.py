"""Keeping secrets out of messages that reach users and logs."""

from __future__ import annotations

import re

MAX_MESSAGE_LENGTH = 300

# The password runs to the last "@" of the URL, as URL parsers read it; erring
# towards hiding too much is the safe side.
_URL_CREDENTIALS = re.compile(
    r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s:@]+(?::\S*)?@"
)
_KEY_VALUE_SECRET = re.compile(
    r"(?P<key>\b(?:password|passwd|pwd|secret|token|api_key|apikey)\b[\"']?\s*[=:]\s*)(?P<value>'[^']*'|\"[^\"]*\"|\S+)",
    re.IGNORECASE,
)


def sanitize_message(message: str, secrets: tuple[str, ...] = ()) -> str:
    """Return ``message`` with credentials removed and its length bounded.

    Removes user:password parts of URLs, ``password=...``-style pairs and
    every literal in ``secrets`` (e.g. a configured password).
    """
    text = _URL_CREDENTIALS.sub(r"\g<scheme>***@", message)
    text = _KEY_VALUE_SECRET.sub(r"\g<key>***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = " ".join(text.split())
    if len(text) > MAX_MESSAGE_LENGTH:
        text = text[: MAX_MESSAGE_LENGTH - 1] + "…"
    return text
