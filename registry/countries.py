"""Countries: ISO 3166-1 alpha-2 codes and their English short names, in one place (the
forms' choices, the lists' filters and sort keys, the pages' display and the generator)."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def names() -> dict[str, str]:
    """Every code with its short name ("common name" where ISO has one, e.g. "Bolivia")."""
    return {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}


def name(code: str | None) -> str:
    """The country's short name for a code ("" for none; the code itself if unknown)."""
    if not code:
        return ""
    return names().get(code.upper(), code)


@cache
def by_name() -> list[tuple[str, str]]:
    """(code, name) pairs in the order of the names, for a choice list."""
    return sorted(names().items(), key=lambda pair: pair[1])


def codes() -> frozenset[str]:
    return frozenset(names())


NO_COUNTRY_RANK = 32_000  # entries without a country sort after every country


@cache
def ranks() -> dict[str, int]:
    """Each code's place in the order of the names: the stored sort key of a list sorted by
    country (an index can serve it; a ``CASE`` over 249 names per row cannot)."""
    return {code: rank for rank, (code, _name) in enumerate(by_name())}


def rank(code: str | None) -> int:
    return ranks().get((code or "").upper(), NO_COUNTRY_RANK)
