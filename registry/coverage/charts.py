"""Charts as server-rendered SVG: the geometry is worked out here, as plain values, and the
templates (``templates/coverage/_charts.html``) draw it. No script, no inline style (the CSP
forbids both): colours are SVG presentation attributes.

Every chart has the table it is drawn from beside it; the drawing is ``aria-hidden`` and the
table is what a screen reader, a printout without colour and a copy-and-paste read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.commitments.progress import Light

# The goals' official colours (UN Department of Global Communications' SDG guidelines).
SDG_COLOURS = {
    "1": "#E5243B",
    "2": "#DDA63A",
    "3": "#4C9F38",
    "4": "#C5192D",
    "5": "#FF3A21",
    "6": "#26BDE2",
    "7": "#FCC30B",
    "8": "#A21942",
    "9": "#FD6925",
    "10": "#DD1367",
    "11": "#FD9D24",
    "12": "#BF8B2E",
    "13": "#3F7E44",
    "14": "#0A97D9",
    "15": "#56C02B",
    "16": "#00689D",
    "17": "#19486A",
}
OTHER_COLOUR = "#4A5560"

# The lights in the commitment pages' colours (static/css: .light-*), overdue a lighter orange
# than its badge's border so that it stands apart from inactive's grey in a stacked column.
LIGHT_COLOURS = {
    Light.ON_TRACK: "#1A6B2F",
    Light.OVERDUE: "#C26A00",
    Light.INACTIVE: "#4A5560",
    Light.COMPLETED: "#0B5394",
}

# The heat map's shades, from none to many partners; "none" is white with a border, so an
# empty cell still shows on paper.
HEAT = ["#FFFFFF", "#C6DBEF", "#9ECAE1", "#2B6CA3", "#08306B"]


def heat_level(n: int) -> int:
    """0 for none, 1 for one, 2 for two, 3 for three to four, 4 for five or more."""
    if n <= 0:
        return 0
    if n <= 2:
        return n
    return 3 if n <= 4 else 4


# --- bars ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str  # "11"
    name: str  # the goal's short title (in the page's language)
    value: int
    y: float
    width: float
    fill: str


@dataclass
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int
    max_value: int


def sdg_bars(goals: list[tuple[str, str, int]]) -> BarChart:
    """Horizontal bars, one per goal (code, short title, commitments), in the goal's colour."""
    label_width, area, bar_height, gap = 64, 440, 20, 6
    top = max((n for _code, _name, n in goals), default=0)
    bars = []
    for index, (code, name, n) in enumerate(goals):
        bars.append(
            Bar(
                label=code,
                name=name,
                value=n,
                y=index * (bar_height + gap),
                width=round(area * n / top, 1) if top else 0,
                fill=SDG_COLOURS.get(code, OTHER_COLOUR),
            )
        )
    return BarChart(
        bars=bars,
        width=label_width + area + 56,
        height=max(len(goals) * (bar_height + gap), bar_height),
        label_width=label_width,
        bar_height=bar_height,
        max_value=top,
    )


# --- stacked columns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    light: Light
    value: int
    y: float
    height: float
    fill: str


@dataclass
class Column:
    label: str
    total: int
    x: float
    segments: list[Segment] = field(default_factory=list)


@dataclass
class StackedChart:
    columns: list[Column]
    width: int
    height: int  # the plotting area's height (labels below it)
    column_width: int
    max_value: int
    lights: list[tuple[Light, str]]  # the legend: each light and its colour


def stacked_lights(months: list[tuple[str, dict[Light, int]]]) -> StackedChart:
    """One column per month (label, counts per light), stacked in the lights' order from the
    bottom: on track, overdue, inactive, completed."""
    height, column_width, gap, left = 200, 28, 12, 40
    top = max((sum(counts.values()) for _label, counts in months), default=0)
    columns = []
    for index, (label, counts) in enumerate(months):
        column = Column(
            label=label, total=sum(counts.values()), x=left + index * (column_width + gap)
        )
        base = float(height)
        for light, colour in LIGHT_COLOURS.items():
            n = counts.get(light, 0)
            size = round(height * n / top, 1) if top else 0
            if n:
                column.segments.append(Segment(light, n, round(base - size, 1), size, colour))
            base -= size
        columns.append(column)
    return StackedChart(
        columns=columns,
        width=left + len(months) * (column_width + gap) + 40,  # the last label's tail
        height=height,
        column_width=column_width,
        max_value=top,
        lights=list(LIGHT_COLOURS.items()),
    )


# --- the heat map ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    value: int
    fill: str


@dataclass
class HeatMap:
    rows: list[tuple[int, str]]  # (y, label)
    columns: list[tuple[int, str]]  # (x, label)
    cells: list[Cell]
    width: int
    height: int
    top: int  # the column labels' band
    left: int  # the row labels' band
    size: int  # a cell's side
    legend: list[tuple[str, str]]  # (label, fill)


def heat_map(row_labels: list[str], column_labels: list[str], values: list[list[int]]) -> HeatMap:
    """A cell per (row, column), shaded by ``heat_level``; labels shortened to fit (the table
    beside it has them whole)."""
    size, left, top = 18, 200, 150
    cells = [
        Cell(left + j * size, top + i * size, n, HEAT[heat_level(n)])
        for i, row in enumerate(values)
        for j, n in enumerate(row)
    ]
    return HeatMap(
        rows=[(top + i * size + size - 5, _short(label, 30)) for i, label in enumerate(row_labels)],
        columns=[
            (left + j * size + size // 2, _short(label, 24))
            for j, label in enumerate(column_labels)
        ],
        cells=cells,
        width=left + len(column_labels) * size + 100,  # the last labels lean right
        height=top + max(len(row_labels), 1) * size + 4,
        top=top,
        left=left,
        size=size,
        legend=[("0", HEAT[0]), ("1", HEAT[1]), ("2", HEAT[2]), ("3-4", HEAT[3]), ("5+", HEAT[4])],
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
