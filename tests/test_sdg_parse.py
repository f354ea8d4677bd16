"""read_sdg against the real SDG data in the six UN languages, and on broken inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from registry.frameworks.sdg import LANGUAGES, SdgDataError, SdgItem, read_sdg

SDG_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "sdg"


@pytest.fixture(scope="module")
def items() -> list[SdgItem]:
    return read_sdg(SDG_DIR)


@pytest.fixture(scope="module")
def by_code(items: list[SdgItem]) -> dict[str, SdgItem]:
    return {item.code: item for item in items}


def _kinds(items: list[SdgItem], kind: str) -> list[SdgItem]:
    return [item for item in items if item.kind == kind]


def test_counts(items: list[SdgItem]) -> None:
    assert len(_kinds(items, "goal")) == 17
    assert len(_kinds(items, "target")) == 169
    # The data lists repeated indicators (e.g. 1.5.1 = 11.5.1 = 13.1.1) under each target.
    assert len(_kinds(items, "indicator")) == 252


def test_codes_are_unique(items: list[SdgItem]) -> None:
    assert len({item.code for item in items}) == len(items)


def test_target_11_3(by_code: dict[str, SdgItem]) -> None:
    target = by_code["11.3"]
    assert target.kind == "target"
    assert target.parent == "11"
    assert target.titles["en"].startswith("By 2030, enhance inclusive and sustainable")
    assert "urbanisation durable" in target.titles["fr"]
    assert target.short_titles == {}


def test_lettered_target_and_its_indicator(by_code: dict[str, SdgItem]) -> None:
    assert by_code["11.a"].parent == "11"
    assert by_code["11.a.1"].parent == "11.a"
    assert by_code["11.a.1"].kind == "indicator"


def test_goal_has_short_titles_in_all_languages(by_code: dict[str, SdgItem]) -> None:
    goal = by_code["11"]
    assert goal.parent is None
    assert goal.short_titles["en"] == "Sustainable cities and communities"
    assert set(goal.titles) == set(goal.short_titles) == set(LANGUAGES)


def test_every_parent_exists_with_the_right_kind(
    items: list[SdgItem], by_code: dict[str, SdgItem]
) -> None:
    parent_kind = {"target": "goal", "indicator": "target"}
    for item in items:
        if item.kind == "goal":
            assert item.parent is None
        else:
            assert item.parent is not None
            assert by_code[item.parent].kind == parent_kind[item.kind]
            assert item.code.startswith(item.parent + ".")


def test_titles_are_clean(items: list[SdgItem]) -> None:
    for item in items:
        assert item.titles["en"]
        for text in item.titles.values():
            assert text == text.strip()
            assert "\n" not in text
            assert "  " not in text


def test_positions_give_outline_order(items: list[SdgItem]) -> None:
    positions = [item.position for item in items]
    assert positions == list(range(1, len(items) + 1))
    codes = [item.code for item in items]
    assert codes[:6] == ["1", "1.1", "1.1.1", "1.2", "1.2.1", "1.2.2"]
    # Numbered targets come before lettered ones, and goal 10 after goal 9.
    assert codes.index("1.5.4") < codes.index("1.a") < codes.index("1.b") < codes.index("2")
    assert codes.index("9.c.1") < codes.index("10") < codes.index("17")
    assert codes.index("17.9") < codes.index("17.10")
    assert codes[-1] == "17.19.2"


def test_each_item_precedes_its_children(items: list[SdgItem]) -> None:
    position = {item.code: item.position for item in items}
    for item in items:
        if item.parent is not None:
            assert position[item.parent] < item.position


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def small_dir(tmp_path: Path) -> Path:
    """A two-language data set with one goal, two targets and one indicator."""
    _write(tmp_path / "en" / "global_goals.yml", "1-short: One\n1-title: ' Goal one\n  text '\n")
    _write(tmp_path / "en" / "global_targets.yml", "1-a-title: Target a\n1-1-title: Target 1\n")
    _write(tmp_path / "en" / "global_indicators.yml", "1-1-1-title: Indicator\n")
    _write(tmp_path / "fr" / "global_goals.yml", "1-title: Objectif un\n")
    return tmp_path


def test_small_dir_optional_languages(small_dir: Path) -> None:
    items = read_sdg(str(small_dir))
    assert [item.code for item in items] == ["1", "1.1", "1.1.1", "1.a"]
    goal = items[0]
    assert goal.titles == {"en": "Goal one text", "fr": "Objectif un"}
    assert goal.short_titles == {"en": "One"}
    assert items[1].titles == {"en": "Target 1"}


def test_stray_translation_key_is_ignored(small_dir: Path) -> None:
    _write(small_dir / "fr" / "global_targets.yml", "9-9-title: Ailleurs\nodd key: x\n")
    assert len(read_sdg(small_dir)) == 4


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(SdgDataError, match="directory not found"):
        read_sdg(tmp_path / "nowhere")


def test_missing_english(small_dir: Path) -> None:
    shutil.rmtree(small_dir / "en")
    with pytest.raises(SdgDataError, match="English SDG file is missing"):
        read_sdg(small_dir)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("global_targets.yml", "1-1-1-1-title: Too deep\n", "is not like"),
        ("global_indicators.yml", "1.1.1: Dotted\n", "is not like"),
        ("global_targets.yml", "2-1-title: No goal 2\n", "missing goal 2"),
        ("global_indicators.yml", "1-2-1-title: No target 1.2\n", "missing target"),
        ("global_goals.yml", "1-title: Only a title\n", "has no '1-short'"),
        ("global_goals.yml", "- a list\n", "expected a mapping"),
        ("global_goals.yml", "1-title: [unclosed\n", "cannot read"),
        ("global_targets.yml", "", "no entries"),
        ("global_targets.yml", "1-1-title: ''\n", "has no text"),
    ],
)
def test_malformed_english(small_dir: Path, name: str, text: str, message: str) -> None:
    _write(small_dir / "en" / name, text)
    with pytest.raises(SdgDataError, match=message):
        read_sdg(small_dir)
