"""The SVG charts on their own: well-formed, labelled, escaped, and sane at the edges."""

from decimal import Decimal as D
from xml.etree import ElementTree

from ita.lib import charts
from ita.lib.tables import Column, Table, display_value, to_csv

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_names_are_escaped_and_the_svg_stays_well_formed() -> None:
    nasty = 'อบต.<script>alert("x")</script> & co'
    svg = charts.bars(
        key="k",
        title=nasty,
        desc=nasty,
        rows=[charts.Bar(nasty, D("50"), "50%", highlight=True)],
        reference=(D("49.4"), "province 49.4%"),
    )
    root = _parse(svg)
    assert root.find(f"{SVG}title").text == nasty
    assert "<script>" not in svg
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "50%" in texts and "province 49.4%" in texts


def test_a_histogram_writes_each_count_and_marks_the_highlight() -> None:
    root = _parse(
        charts.columns(
            key="h",
            title="t",
            desc="d",
            labels=["0–50", "50–55"],
            values=[0, 3],
            highlight=1,
            highlight_note="สุโสะ",
        )
    )
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[:4] == ["0", "0–50", "★ 3", "50–55"] and "★ สุโสะ" in texts
    heights = [float(r.get("height")) for r in root.iter(f"{SVG}rect")]
    assert heights[0] == 0 and heights[1] > 0


def test_a_line_chart_of_one_year_or_with_gaps_draws_points() -> None:
    single = _parse(
        charts.lines(
            key="l",
            title="t",
            desc="d",
            x_labels=["2564"],
            series=[charts.Series("Total", [D("93.26")])],
            low=50,
            high=100,
        )
    )
    assert single.findall(f"{SVG}circle") and "93.26" in [t.text for t in single.iter(f"{SVG}text")]
    gaps = _parse(
        charts.lines(
            key="g",
            title="t",
            desc="d",
            x_labels=["2563", "2564", "2565"],
            series=[charts.Series("Rank", [3, None, 1]), charts.Series("IIT", [None, None, None])],
            low=1,
            high=10,
            invert=True,
        )
    )
    (line,) = gaps.findall(f"{SVG}polyline")
    first, last = (tuple(map(float, p.split(","))) for p in line.get("points").split())
    assert last[1] < first[1]  # rank 1 is drawn above rank 3


def test_grouped_bars_show_a_dash_for_a_missing_value() -> None:
    root = _parse(
        charts.grouped_bars(
            key="p",
            title="t",
            desc="d",
            categories=["1. การปฏิบัติหน้าที่"],
            series=[charts.Series("own", [None]), charts.Series("province", [D("88.5")])],
        )
    )
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "–" in texts and "88.50" in texts


def test_tables_format_cells_by_kind_and_csv_leaves_missing_values_empty() -> None:
    table = Table(
        key="t",
        title="t",
        columns=[Column("a", "A"), Column("s", "S", "score"), Column("c", "C", "signed")],
        rows=[{"a": "x", "s": D("93.245"), "c": D("-1.5")}, {"a": "y", "s": None, "c": None}],
    )
    assert display_value(table.columns[1], D("93.245")) == "93.25"  # half up, as published
    assert display_value(table.columns[2], D("-1.5")) == "-1.50"
    assert to_csv(table).splitlines() == ["\ufeffA,S,C", "x,93.25,-1.50", "y,,"]
