"""Text as it arrives from outside, made safe to search with."""

import re
from urllib.parse import SplitResult, urlsplit


def escape_like(text: str) -> str:
    """``text`` for a LIKE pattern with ``escape="\\\\"``: its ``%`` and ``_`` are literal."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def clean(value: str | None, limit: int | None = None) -> str:
    """Trimmed text without NUL, at most ``limit`` characters. PostgreSQL refuses NUL in text,
    and a pasted control character must not become a 500."""
    text = (value or "").replace("\x00", "").strip()
    return text[:limit] if limit is not None else text


_WORD = re.compile(r"\w+")
# Words too common in organization names to tell two apart.
STOPWORDS = frozenset(
    {"and", "for", "the", "of", "de", "des", "du", "la", "le", "les", "del", "los", "las", "y"}
)
MIN_WORD, MAX_WORD = 3, 40


def name_words(name: str | None) -> list[str]:
    """The distinct words of a name that tell it apart, lower-cased, in order: what the
    name-suggestion vocabulary counts and what a typed name is matched by."""
    seen: dict[str, None] = {}
    for word in _WORD.findall((name or "").lower()):
        if MIN_WORD <= len(word) <= MAX_WORD and word not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


def split_url(value: str) -> SplitResult | None:
    """``value``'s parts, or None when it is not a URL at all: ``urlsplit`` raises on an
    unclosed or empty bracketed host ("http://[::1", "https://[", "http://[]/"), and text
    from outside must never turn into a 500."""
    try:
        parts = urlsplit(value)
        parts.hostname  # noqa: B018 - parsing the host is what may raise
    except ValueError:
        return None
    return parts
