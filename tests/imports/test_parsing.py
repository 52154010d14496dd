import io
import os
import zipfile
from decimal import Decimal as D

import pytest

from ita.imports import parsing
from ita.imports.numbers import parse_decimal
from ita.imports.parsing import TableError, parse_table
from tests.imports.helpers import seed_bytes, seed_csv, seed_spaces, seed_xlsx, xlsx

SEED_COLUMNS = ["number", "organisation", "district", "total", "level", "change", "passed"]


def _values(table: parsing.Table) -> list[tuple]:
    """Rows with numbers read as numbers, so tables from different sources compare equal."""
    return [
        (
            int(parse_decimal(r.values["number"])),
            r.values["organisation"],
            r.values["district"],
            parse_decimal(r.values["total"]),
            r.values["level"],
            parse_decimal(r.values["change"]),
            r.values["passed"],
        )
        for r in table.rows
    ]


def test_it_reads_the_seed_skipping_titles_page_notes_and_the_repeated_header() -> None:
    table = parse_table(seed_bytes())
    assert table.columns == SEED_COLUMNS
    assert table.kind == "results"
    assert len(table.rows) == 85
    assert [int(r.values["number"]) for r in table.rows] == list(range(1, 86))
    assert table.hints == {"year": 2564, "province": "ตรัง"}
    skipped = [text for _line, text in table.skipped]
    assert any(text.startswith("เอกสารแนบท้ายประกาศ") for text in skipped)
    assert any(text.startswith("ที่ หน่วยงาน อำเภอ") for text in skipped)  # page 2's header
    assert table.rows[49].values["organisation"] == "องค์การบริหารส่วนตำบลอุยไธสง"
    assert table.rows[0].values["change"] == "+33.84"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(seed_spaces().encode(), id="space-separated"),
        pytest.param(seed_spaces(thai=True).encode(), id="thai-digits"),
        pytest.param(seed_csv(), id="csv-utf8"),
        pytest.param(seed_csv(bom=True), id="csv-utf8-bom"),
        pytest.param(seed_csv("cp874"), id="csv-cp874"),
        pytest.param(seed_csv("tis-620"), id="csv-tis620"),
        pytest.param(seed_csv("utf-16"), id="csv-utf16"),
        pytest.param(seed_spaces().encode("cp874"), id="text-cp874"),
        pytest.param(seed_xlsx(), id="xlsx"),
    ],
)
def test_every_source_gives_the_same_85_rows(data: bytes) -> None:
    expected = _values(parse_table(seed_bytes()))
    assert _values(parse_table(data)) == expected


def test_names_with_spaces_in_pdf_text_stay_whole() -> None:
    text = "ที่ หน่วยงาน อำเภอ คะแนน 2564 ระดับ\n1 เทศบาล ตำบล ควนธานี กันตัง 87.51 A\n"
    table = parse_table(text.encode())
    assert table.rows[0].values == {
        "number": "1",
        "organisation": "เทศบาล ตำบล ควนธานี",
        "district": "กันตัง",
        "total": "87.51",
        "level": "A",
    }


def test_page_numbers_between_pages_are_skipped() -> None:
    text = "ที่\tหน่วยงาน\tอำเภอ\tคะแนน\n1\tเทศบาลนครตรัง\tเมืองตรัง\t95.36\n- 2 -\n12\n2\tเทศบาลเมืองกันตัง\tกันตัง\t68.68\n"
    table = parse_table(text.encode())
    assert [r.values["number"] for r in table.rows] == ["1", "2"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("+33.84", D("33.84")),
        ("-7.11", D("-7.11")),
        ("−7.11", D("-7.11")),
        ("๙๓.๒๖", D("93.26")),
        (" 96.76 ", D("96.76")),
        ("96,76", D("96.76")),
        ("100", D("100")),
    ],
)
def test_parse_decimal_reads_published_forms(text: str, value: D) -> None:
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "93.26a", "NaN", "1e5"])
def test_parse_decimal_refuses_what_is_not_a_score(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_indicator_headers_in_thai_and_english_make_an_indicator_table() -> None:
    header = "หน่วยงาน,อำเภอ,จังหวัด," + ",".join(f"ตัวชี้วัดที่ {n}" for n in range(1, 6))
    header += "," + ",".join(f"indicator_{n}" for n in range(6, 11)) + ",total"
    row = "อบต.สุโสะ,ปะเหลียน,ตรัง,100,99.48,100,83.85,100,93.24,85.95,87.09,95.28,92.86,93.26"
    table = parse_table(f"{header}\n{row}\n".encode())
    assert table.kind == "indicators"
    assert table.indicator_numbers() == list(range(1, 11))
    assert table.rows[0].values["indicator_4"] == "83.85"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n ", "empty"),
        (b"\x00\x01\x02garbage\x00" * 100, "binary"),
        (bytes([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0B, 0x0E]) * 50, "control"),
        ("ที่,หน่วยงาน,อำเภอ,คะแนน\n".encode("cp874") + b"\xff\xfe\xfd\n", "neither UTF-8"),
        (b"hello world\nthis is not a table\n", "No header"),
        ("หน่วยงาน,อำเภอ,คะแนน,สีโปรด\nก,ข,90,แดง\n".encode(), "สีโปรด"),
        ("ที่,หน่วยงาน,อำเภอ,ระดับ\n1,ก,ข,A\n".encode(), "no score column"),
        ("ที่,หน่วยงาน,อำเภอ,คะแนน\n".encode(), "no data rows"),
        ("ที่,หน่วยงาน,หน่วยงาน,คะแนน\n1,ก,ข,90\n".encode(), "twice"),
        (b"%PDF-1.7 ...", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04 not really a zip", "damaged"),
    ],
)
def test_bad_files_get_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(TableError, match=message):
        parse_table(data)


def test_a_file_over_the_limit_is_refused_before_reading() -> None:
    data = b"x" * (parsing.MAX_BYTES + 1)
    with pytest.raises(TableError, match="limit"):
        parse_table(data)


def test_an_xlsx_with_a_formula_is_refused_naming_the_cell() -> None:
    data = xlsx([["ที่", "หน่วยงาน", "อำเภอ", "คะแนน"], [1, "เทศบาลนครตรัง", "เมืองตรัง", "=90+5.36"]])
    with pytest.raises(TableError, match="D2"):
        parse_table(data)


def test_an_xlsx_zip_bomb_is_refused_unopened() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    with pytest.raises(TableError, match="zip bomb"):
        parse_table(out.getvalue())


def test_random_bytes_never_pass_as_a_table() -> None:
    for seed in range(20):
        data = os.urandom(2000 + seed)
        with pytest.raises(TableError):
            parse_table(data)


def test_a_row_with_more_values_than_columns_is_a_problem_of_that_row() -> None:
    text = "ที่,หน่วยงาน,อำเภอ,คะแนน\n1,เทศบาลนครตรัง,เมืองตรัง,95.36,oops\n"
    table = parse_table(text.encode())
    assert "oops" in table.problems[2]


def test_a_second_table_with_other_columns_is_refused() -> None:
    text = "ที่,หน่วยงาน,อำเภอ,คะแนน\n1,ก,ข,90\nหน่วยงาน,อำเภอ,จังหวัด,indicator_1\n"
    with pytest.raises(TableError, match="other columns"):
        parse_table(text.encode())


def test_asking_for_the_other_kind_is_refused() -> None:
    with pytest.raises(TableError, match="not a"):
        parse_table(seed_bytes(), kind="indicators")


def test_the_table_survives_its_json_round_trip() -> None:
    table = parse_table(seed_bytes())
    again = parsing.Table.from_json(table.to_json())
    assert again.rows == table.rows and again.columns == table.columns
    assert again.skipped == table.skipped
