"""Row ids as they arrive from outside: whole numbers the database's ``integer`` can hold."""

MAX_ID = 2**31 - 1  # PostgreSQL integer; SQLite would overflow only at 2**63


def db_id(value: str | int) -> int:
    """``value`` as an id, or ValueError: usable as ``request.args.get(..., type=db_id)``."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"id out of range: {number}")
    return number
