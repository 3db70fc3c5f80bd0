"""Keeping secrets out of messages that reach users and logs.

Messages come from servers and from what users typed, so they can be of any
size. Every step before the regular expressions is linear (literal
replacement, whitespace collapse, one cut), the expressions only ever see a
bounded window, and URL credentials are found without a regular expression
at all, so a megabyte of text costs about as much as reading it once.
"""

from __future__ import annotations

import re

MAX_MESSAGE_LENGTH = 300
# The text the expressions see: more than a message's worth, so that what is
# shown can still be redacted with the context around it.
WINDOW_LENGTH = 4 * MAX_MESSAGE_LENGTH
ELLIPSIS = "…"

_SCHEME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SCHEME_CHARS = _SCHEME_START | frozenset("0123456789+.-")
_NOT_IN_USER = frozenset("/:@")
_KEY_VALUE_SECRET = re.compile(
    r"(?P<key>\b(?:password|passwd|pwd|secret|token|api_key|apikey)\b[\"']?\s*[=:]\s*)(?P<value>'[^']*'|\"[^\"]*\"|\S+)",
    re.IGNORECASE,
)


def sanitize_message(message: str, secrets: tuple[str, ...] = ()) -> str:
    """Return ``message`` with credentials removed and its length bounded.

    Removes every literal in ``secrets`` (e.g. a configured password),
    user:password parts of URLs and ``password=...``-style pairs. A word cut
    by the window is dropped whole: it could be the start of a secret whose
    end, which would have identified it, lies beyond the cut.
    """
    text = message
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = " ".join(text.split())
    if len(text) > WINDOW_LENGTH:
        kept = text[:WINDOW_LENGTH].rpartition(" ")[0]
        text = f"{kept} {ELLIPSIS}" if kept else ELLIPSIS
    text = redact_url_credentials(text)
    text = _KEY_VALUE_SECRET.sub(r"\g<key>***", text)
    if len(text) > MAX_MESSAGE_LENGTH:
        text = text[: MAX_MESSAGE_LENGTH - 1] + ELLIPSIS
    return text


def shorten(text: str, max_length: int) -> str:
    """Return ``text`` on one line, cut to ``max_length`` characters (ellipsis included)."""
    text = " ".join(text.split())
    if len(text) <= max_length:
        return text
    return text[: max_length - 1] + ELLIPSIS


def redact_url_credentials(text: str) -> str:
    r"""Replace the user[:password] part of every ``scheme://user[:password]@``.

    The password runs to the last "@" of the word, as URL parsers read it;
    erring towards hiding too much is the safe side. This reads what the
    expression ``[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+(?::\S*)?@`` matches,
    but in time linear in the length of ``text``: each character is looked at
    a bounded number of times, where the expression would rescan the rest of
    the word from every "://" (or every letter) it finds.
    """
    return " ".join(
        _redact_word(word) if "://" in word else word for word in text.split(" ")
    )


def _redact_word(word: str) -> str:
    """Redact the credentials of the URLs in one word (no whitespace in it)."""
    last_at = word.rfind("@")
    out: list[str] = []
    done = 0  # word[:done] is decided and copied to out
    mark = word.find("://")
    while mark != -1 and mark + 3 <= last_at:
        user_start = mark + 3
        scheme_start = _scheme_start(word, done, mark)
        end = _credentials_end(word, user_start, last_at)
        if scheme_start is not None and end is not None:
            out.append(word[done:user_start])
            out.append("***@")
            done = end
            mark = word.find("://", done)
        else:
            mark = word.find("://", mark + 1)
    out.append(word[done:])
    return "".join(out)


def _scheme_start(word: str, floor: int, mark: int) -> int | None:
    """Return where the scheme ending at ``mark`` starts (a letter), if any."""
    start = mark
    while start > floor and word[start - 1] in _SCHEME_CHARS:
        start -= 1
    while start < mark and word[start] not in _SCHEME_START:
        start += 1
    return start if start < mark else None


def _credentials_end(word: str, user_start: int, last_at: int) -> int | None:
    """Return the index after the "@" that ends the credentials, if there is one."""
    position = user_start
    while position < len(word) and word[position] not in _NOT_IN_USER:
        position += 1
    if position == user_start or position == len(word):
        return None
    if word[position] == "@":
        return position + 1
    if word[position] == ":" and last_at > position:
        return last_at + 1
    return None
