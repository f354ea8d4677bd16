"""Currencies: ISO 4217 codes and their names, from the maintained list pycountry ships (the
form's choices, the check of a resource's currency, the detail page's totals)."""

from __future__ import annotations

from functools import cache

import pycountry

# Codes in ISO 4217 that are not money a pledge is made in: precious metals, the IMF's and
# other units of account, the codes reserved for testing and for "no currency".
NOT_MONEY = frozenset(
    {"XAG", "XAU", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XTS", "XUA", "XXX"}
)


@cache
def names() -> dict[str, str]:
    return {c.alpha_3: c.name for c in pycountry.currencies if c.alpha_3 not in NOT_MONEY}


def is_known(code: str | None) -> bool:
    return bool(code) and code.upper() in names()


@cache
def choices() -> list[tuple[str, str]]:
    """(code, "USD — US Dollar") pairs by code, for a choice list."""
    return [(code, f"{code} — {name}") for code, name in sorted(names().items())]
