from decimal import Decimal as D

import pytest

from ita.demo.seed import HOME_SCORES
from ita.results import methods, rules

SPECS = [rules.IndicatorSpec(n, tool, w) for n, _name, tool, w in methods.INDICATORS]
BANDS = [rules.RatingRule(*r) for r in methods.LETTER_BANDS]
LABELS = [rules.RatingRule(*r) for r in methods.LABELS_2567]


@pytest.mark.parametrize(
    ("total", "level"),
    [
        ("100", "AA"),
        ("95.00", "AA"),
        ("94.99", "A"),
        ("85.00", "A"),
        ("84.99", "B"),
        ("75.00", "B"),
        ("74.99", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("55.00", "D"),
        ("54.99", "E"),
        ("50.00", "E"),
        ("49.99", "F"),
        ("0", "F"),
    ],
)
def test_letter_bands_at_every_edge(total: str, level: str) -> None:
    assert rules.rate(BANDS, D(total)) == level


@pytest.mark.parametrize(("total", "passed"), [("84.99", False), ("85.00", True), ("85.01", True)])
def test_pass_mark_edge(total: str, passed: bool) -> None:
    assert rules.passes(methods.PASS_MARK, D(total)) is passed


def test_a_total_is_rated_as_published_rounded_to_two_places() -> None:
    assert rules.rate(BANDS, D("84.995")) == "A"  # shown as 85.00
    assert rules.rate(BANDS, D("84.9949")) == "B"
    assert rules.passes(D(85), D("84.995")) is True


def _tools(iit: str, eit: str, oit: str) -> dict[str, D]:
    return {"IIT": D(iit), "EIT": D(eit), "OIT": D(oit)}


@pytest.mark.parametrize(
    ("total", "tools", "level"),
    [
        ("96", ("96", "96", "96"), "ผ่านดีเยี่ยม"),
        ("96", ("94", "98", "97"), "ผ่านดี"),  # a total of 96 with one tool at 94
        ("95.00", ("95.00", "95", "95"), "ผ่านดีเยี่ยม"),
        ("95.00", ("94.99", "95", "96"), "ผ่านดี"),
        ("90", ("84.99", "95", "90"), "ผ่าน"),
        ("85.00", ("85", "85", "85"), "ผ่านดี"),
        ("84.99", ("90", "90", "80"), "ต้องปรับปรุง"),
        ("70.00", ("70", "70", "70"), "ต้องปรับปรุง"),
        ("69.99", ("70", "70", "60"), "ต้องปรับปรุงโดยด่วน"),
    ],
)
def test_2567_labels_with_per_tool_conditions(total: str, tools: tuple, level: str) -> None:
    assert rules.rate(LABELS, D(total), _tools(*tools)) == level


def test_2567_label_without_tool_scores_lists_what_is_still_possible() -> None:
    assert rules.possible_levels(LABELS, D(96)) == ["ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน"]
    assert rules.rate(LABELS, D(96)) is None
    assert rules.possible_levels(LABELS, D("84.99")) == ["ต้องปรับปรุง"]
    assert rules.rate(LABELS, D("69.99")) == "ต้องปรับปรุงโดยด่วน"


def test_the_seed_organisation_computes_to_93_26() -> None:
    total = rules.compute_total(SPECS, HOME_SCORES)
    assert total == D("93.2558")
    assert rules.round2(total) == D("93.26")
    assert rules.agrees(total, D("93.26"))
    assert not rules.agrees(total, D("93.27"))


def test_tool_scores_are_weighted_means_of_their_indicators() -> None:
    tools = rules.tool_scores(SPECS, HOME_SCORES)
    assert tools["IIT"] == D("96.666")
    assert tools["EIT"] == pytest.approx(D("88.76"), abs=D("0.001"))
    assert tools["OIT"] == D("94.07")


def test_a_missing_score_leaves_the_total_unknown() -> None:
    scores = dict(HOME_SCORES)
    del scores[10]
    assert rules.compute_total(SPECS, scores) is None
    assert "OIT" not in rules.tool_scores(SPECS, scores)


def test_an_oit_point_is_worth_20_6ths_of_an_iit_point() -> None:
    gains = rules.gain_per_point(SPECS)
    assert gains[9] / gains[1] == D(20) / D(6)
    assert sum(gains.values()) == D(1)


def test_competition_ranks_share_ties() -> None:
    from ita.results.selectors import competition_ranks

    assert competition_ranks([D(99), D(90), D(90), D(80), None]) == [1, 2, 2, 4, None]
