"""Text as it arrives from outside, made safe to search with."""


def escape_like(text: str) -> str:
    """``text`` for a LIKE pattern with ``escape="\\\\"``: its ``%`` and ``_`` are literal."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
