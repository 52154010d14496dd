import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from ita.results.exports import COLUMNS
from tests.factories import make_assessment, make_district, make_organisation, make_province

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("export_scores", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_province_table_as_csv(demo) -> None:
    records = list(csv.DictReader(io.StringIO(_run("--year", "2564", "--province", "ตรัง"))))
    assert list(records[0]) == COLUMNS
    assert len(records) == 85
    assert records[0]["rank"] == "1" and records[0]["published_total"] == "98.12"
    suso = next(r for r in records if r["organisation"] == "องค์การบริหารส่วนตำบลสุโสะ")
    assert suso == {
        "rank": "12",
        "organisation": "องค์การบริหารส่วนตำบลสุโสะ",
        "kind": "อบต.",
        "district": "ปะเหลียน",
        "province": "ตรัง",
        "published_total": "93.26",
        "computed_total": "93.26",
        "level": "A",
        "level_source": "published",
        "change": "+26.19",
        "passed": "ผ่าน",
        "passed_source": "published",
    }
    others = [r for r in records if r["organisation"] != suso["organisation"]]
    assert all(r["computed_total"] == "" for r in others)


def test_it_prints_json(demo) -> None:
    data = json.loads(_run("--year", "2563", "--format", "json"))
    assert len(data) == 85
    assert data[0]["change"] == "" and data[0]["rank"] == 1


def test_without_a_province_each_province_is_ranked_separately(demo) -> None:
    district = make_district(make_province("กระบี่"), "เมืองกระบี่")
    make_assessment(make_organisation(district), demo.year, total="99.50")
    records = list(csv.DictReader(io.StringIO(_run("--year", "2564"))))
    assert len(records) == 86
    krabi = [r for r in records if r["province"] == "กระบี่"]
    assert krabi[0]["rank"] == "1"
    trang_first = next(r for r in records if r["province"] == "ตรัง")
    assert trang_first["rank"] == "1" and trang_first["published_total"] == "98.12"


def test_an_unknown_year_or_province_fails_with_a_clear_message(demo) -> None:
    # In Thai, as the pages.
    with pytest.raises(CommandError, match="ไม่รู้จักปี 2599 ปีที่มี: 2564, 2563"):
        _run("--year", "2599")
    with pytest.raises(CommandError, match="ไม่รู้จักจังหวัด “ไม่มีจังหวัดนี้”"):
        _run("--year", "2564", "--province", "ไม่มีจังหวัดนี้")


def test_an_unknown_year_exits_non_zero_from_the_shell(demo) -> None:
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["manage.py", "export_scores", "--year", "2599"])
    with pytest.raises(SystemExit) as exit_info:
        utility.execute()
    assert exit_info.value.code == 1
