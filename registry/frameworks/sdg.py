"""Read the SDG goals, targets and indicators in the six UN languages from YAML files.

The files come from open-sdg/sdg-translations (see ``shared/data/sdg/README.md``): per
language ``global_goals.yml`` (``N-title``, ``N-short``), ``global_targets.yml``
(``N-M-title``, ``N-a-title``) and ``global_indicators.yml`` (``N-M-K-title``). English is
the source language and must be complete; the others fill in what they have.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh-Hans")
SOURCE_LANGUAGE = "en"

GOALS_FILE = "global_goals.yml"
TARGETS_FILE = "global_targets.yml"
INDICATORS_FILE = "global_indicators.yml"

# A target part is a number (11.3) or a single letter for means of implementation (11.a).
_PART = r"(?:\d+|[a-z])"
_GOAL_KEY = re.compile(r"(?P<goal>\d+)-(?P<field>title|short)")
_TARGET_KEY = re.compile(rf"(?P<goal>\d+)-(?P<target>{_PART})-title")
_INDICATOR_KEY = re.compile(rf"(?P<goal>\d+)-(?P<target>{_PART})-(?P<indicator>\d+)-title")
# Some translations wrap lines inside quoted strings or double the spaces; only ASCII
# whitespace is collapsed so that typographic no-break spaces (French) survive.
_WHITESPACE = re.compile(r"[ \t\r\n]+")


class SdgDataError(ValueError):
    """The SDG source files are missing or do not have the expected shape."""


@dataclass(frozen=True)
class SdgItem:
    """A goal, target or indicator with its titles in the languages available."""

    code: str
    kind: str  # goal, target, indicator
    parent: str | None
    position: int
    # Dicts are not hashable; hashing on the scalar fields keeps the item usable in sets.
    titles: dict[str, str] = field(default_factory=dict, hash=False)
    short_titles: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass
class _Draft:
    """An item being collected, before positions are known."""

    code: str
    kind: str
    parent: str | None
    sort_key: tuple[tuple[int, int | str], ...]
    titles: dict[str, str] = field(default_factory=dict)
    short_titles: dict[str, str] = field(default_factory=dict)


def _part(text: str) -> str:
    """Normalize one code part: drop leading zeros of numbers, keep letters."""
    return str(int(text)) if text.isdigit() else text


def _part_key(text: str) -> tuple[int, int | str]:
    """Sort numbered targets before lettered ones, each in natural order."""
    return (0, int(text)) if text.isdigit() else (1, text)


def _clean(text: str) -> str:
    """Collapse ASCII whitespace runs and strip the ends."""
    return _WHITESPACE.sub(" ", text).strip()


def _load(path: Path) -> dict[str, object]:
    """Load one YAML file that must hold a mapping of string keys."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SdgDataError(f"{path}: cannot read SDG file ({reason})") from exc
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise SdgDataError(f"{path}: expected a mapping of keys to titles")
    return {str(key).strip(): value for key, value in data.items()}


def _load_source(path: Path) -> dict[str, object]:
    """Load an English file, which defines the items and so may not be empty."""
    data = _load(path)
    if not data:
        raise SdgDataError(f"{path}: English SDG file has no entries")
    return data


def _optional_text(value: object) -> str | None:
    """Return the cleaned title, or None when the value holds no text."""
    if isinstance(value, str):
        return _clean(value) or None
    return None


def _required_text(path: Path, key: str, value: object) -> str:
    """Return the cleaned title of an English key, which must have one."""
    text = _optional_text(value)
    if text is None:
        raise SdgDataError(f"{path}: key {key!r} has no text")
    return text


def _read_english(directory: Path) -> dict[str, _Draft]:
    """Build every item from the English files, which define what exists."""
    lang_dir = directory / SOURCE_LANGUAGE
    paths = [lang_dir / name for name in (GOALS_FILE, TARGETS_FILE, INDICATORS_FILE)]
    for path in paths:
        if not path.is_file():
            raise SdgDataError(f"{path}: English SDG file is missing")
    goals, targets, indicators = (_load_source(path) for path in paths)
    goals_path, targets_path, indicators_path = paths
    drafts: dict[str, _Draft] = {}

    for key, value in goals.items():
        match = _GOAL_KEY.fullmatch(key)
        if match is None:
            raise SdgDataError(f"{goals_path}: key {key!r} is not like '11-title' or '11-short'")
        code = _part(match["goal"])
        draft = drafts.setdefault(code, _Draft(code, "goal", None, ((0, int(code)),)))
        texts = draft.titles if match["field"] == "title" else draft.short_titles
        texts[SOURCE_LANGUAGE] = _required_text(goals_path, key, value)
    for draft in drafts.values():
        for texts, suffix in ((draft.titles, "title"), (draft.short_titles, "short")):
            if SOURCE_LANGUAGE not in texts:
                raise SdgDataError(
                    f"{goals_path}: goal {draft.code} has no '{draft.code}-{suffix}'"
                )

    for key, value in targets.items():
        match = _TARGET_KEY.fullmatch(key)
        if match is None:
            raise SdgDataError(f"{targets_path}: key {key!r} is not like '11-3-title'")
        goal, part = _part(match["goal"]), _part(match["target"])
        if goal not in drafts:
            raise SdgDataError(f"{targets_path}: target {goal}.{part} names a missing goal {goal}")
        sort_key = (*drafts[goal].sort_key, _part_key(part))
        _add(drafts, targets_path, key, _Draft(f"{goal}.{part}", "target", goal, sort_key), value)

    for key, value in indicators.items():
        match = _INDICATOR_KEY.fullmatch(key)
        if match is None:
            raise SdgDataError(f"{indicators_path}: key {key!r} is not like '11-3-1-title'")
        parent = f"{_part(match['goal'])}.{_part(match['target'])}"
        number = _part(match["indicator"])
        if drafts.get(parent) is None or drafts[parent].kind != "target":
            raise SdgDataError(f"{indicators_path}: indicator {key!r} names a missing target")
        sort_key = (*drafts[parent].sort_key, _part_key(number))
        draft = _Draft(f"{parent}.{number}", "indicator", parent, sort_key)
        _add(drafts, indicators_path, key, draft, value)
    return drafts


def _add(drafts: dict[str, _Draft], path: Path, key: str, draft: _Draft, value: object) -> None:
    """Register a new English target or indicator, refusing duplicates."""
    if draft.code in drafts:
        raise SdgDataError(f"{path}: key {key!r} repeats item {draft.code}")
    draft.titles[SOURCE_LANGUAGE] = _required_text(path, key, value)
    drafts[draft.code] = draft


def _translation_code(name: str, key: str) -> tuple[str, str] | None:
    """Map a translated key to (item code, "title" | "short"), or None if it has no shape."""
    if name == GOALS_FILE and (match := _GOAL_KEY.fullmatch(key)):
        return _part(match["goal"]), match["field"]
    if name == TARGETS_FILE and (match := _TARGET_KEY.fullmatch(key)):
        return f"{_part(match['goal'])}.{_part(match['target'])}", "title"
    if name == INDICATORS_FILE and (match := _INDICATOR_KEY.fullmatch(key)):
        code = f"{_part(match['goal'])}.{_part(match['target'])}.{_part(match['indicator'])}"
        return code, "title"
    return None


def _read_translation(directory: Path, lang: str, drafts: dict[str, _Draft]) -> None:
    """Add one language's titles to the English items; gaps are allowed, not errors."""
    for name in (GOALS_FILE, TARGETS_FILE, INDICATORS_FILE):
        path = directory / lang / name
        if not path.is_file():
            continue
        for key, value in _load(path).items():
            found = _translation_code(name, key)
            draft = drafts.get(found[0]) if found else None
            text = _optional_text(value)
            if found is None or draft is None or text is None:
                # A stray key in a translation must not block the import of all the rest.
                log.warning("%s: ignoring key %r (no matching English item or no text)", path, key)
                continue
            if found[1] == "short":
                draft.short_titles[lang] = text
            else:
                draft.titles[lang] = text


def read_sdg(directory: str | Path) -> list[SdgItem]:
    """Read goals, targets and indicators from DIR/<lang>/*.yml, ordered by position."""
    directory = Path(directory)
    if not directory.is_dir():
        raise SdgDataError(f"{directory}: SDG data directory not found")
    drafts = _read_english(directory)
    for lang in LANGUAGES:
        if lang != SOURCE_LANGUAGE:
            _read_translation(directory, lang, drafts)
    ordered = sorted(drafts.values(), key=lambda draft: draft.sort_key)
    return [
        SdgItem(
            code=draft.code,
            kind=draft.kind,
            parent=draft.parent,
            position=position,
            titles=dict(draft.titles),
            short_titles=dict(draft.short_titles) if draft.kind == "goal" else {},
        )
        for position, draft in enumerate(ordered, start=1)
    ]
