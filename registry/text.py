"""Text as it arrives from outside, made safe to search with."""


def escape_like(text: str) -> str:
    """``text`` for a LIKE pattern with ``escape="\\\\"``: its ``%`` and ``_`` are literal."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def clean(value: str | None, limit: int | None = None) -> str:
    """Trimmed text without NUL, at most ``limit`` characters. PostgreSQL refuses NUL in text,
    and a pasted control character must not become a 500."""
    text = (value or "").replace("\x00", "").strip()
    return text[:limit] if limit is not None else text
