from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ita.history.models import Event
from ita.imports.models import ImportBatch
from ita.organisations.models import OrganisationAlias
from ita.results.models import Assessment
from tests.imports.helpers import seed_bytes, seed_csv, seed_text

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import_scores", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _file(tmp_path: Path, data: bytes, name: str = "table.txt") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_a_dry_run_of_the_seed_reports_85_unchanged_and_keeps_nothing(demo, tmp_path) -> None:
    out = _run(_file(tmp_path, seed_bytes()), "--year", "2564", "--dry-run")
    assert "unchanged: 85" in out and "error: 0" in out and "Dry run" in out
    assert not ImportBatch.objects.exists()
    assert not Event.objects.filter(action__startswith="import.").exists()


def test_it_applies_a_table_and_records_the_import(demo, tmp_path) -> None:
    text = seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84")
    out = _run(_file(tmp_path, text.encode()), "--year", "2564", "--province", "ตรัง")
    assert "changed: 1" in out and "Applied as import #" in out
    batch = ImportBatch.objects.get()
    assert (
        batch.status == "applied" and batch.source == "command" and batch.file_name == "table.txt"
    )
    pao = Assessment.objects.get(organisation__name="องค์การบริหารส่วนจังหวัดตรัง", year__year=2564)
    assert pao.total == D("97.76")


def test_errors_exit_non_zero_naming_rows_and_change_nothing(demo, tmp_path) -> None:
    text = seed_text().replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84")
    text = text.replace("77.29\tB", "77.29\tA").replace("อุยไธสง", "อุยไธสงห์")
    out = StringIO()
    with pytest.raises(CommandError, match="2 row"):
        call_command(
            "import_scores",
            _file(tmp_path, text.encode()),
            "--year",
            "2564",
            stdout=out,
            stderr=StringIO(),
        )
    report = out.getvalue()
    assert "line 100 (no. 83, องค์การบริหารส่วนตำบลไม้ผาด)" in report and "77.29" in report
    assert "line 67" in report and "อุยไธสงห์" in report
    pao = Assessment.objects.get(organisation__name="องค์การบริหารส่วนจังหวัดตรัง", year__year=2564)
    assert pao.total == D("96.76")
    assert not ImportBatch.objects.exists()


def test_an_unknown_name_matches_on_the_command_line_once_it_has_an_alias(demo, tmp_path) -> None:
    path = _file(tmp_path, seed_text().replace("อุยไธสง", "อุยไธสงห์").encode())
    with pytest.raises(CommandError):
        _run(path, "--year", "2564", "--dry-run")
    OrganisationAlias.objects.create(organisation=demo.home, name="องค์การบริหารส่วนตำบลอุยไธสงห์")
    assert "unchanged: 85" in _run(path, "--year", "2564", "--dry-run")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "indicators"], "not a"),
        (["--province", "ไม่มีจังหวัดนี้"], "is not known"),
        (["--year", "2565"], "2564"),
    ],
)
def test_bad_options_are_refused(demo, tmp_path, args: list[str], message: str) -> None:
    path = _file(tmp_path, seed_csv(bom=True), "t.csv")
    year = [] if "--year" in args else ["--year", "2564"]
    with pytest.raises(CommandError, match=message):
        _run(path, *year, *args)
    assert not ImportBatch.objects.exists()


def test_a_missing_or_empty_file_is_refused(demo, tmp_path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        _run(str(tmp_path / "nope.csv"), "--year", "2564")
    with pytest.raises(CommandError):
        _run(_file(tmp_path, b""), "--year", "2564")


def test_an_unknown_province_is_refused_with_stored_names_only(demo, tmp_path: Path) -> None:
    """The message never suggests the name it refuses; a missing country says how to load it."""
    from ita.organisations.models import District, Province, Subdistrict

    table = tmp_path / "t.csv"
    table.write_text("หน่วยงาน,อำเภอ,คะแนน\nเทศบาลนครหาดใหญ่,หาดใหญ่,90\n", encoding="utf-8")
    with pytest.raises(CommandError) as misspelt:
        call_command("import_scores", str(table), "--year", "2561", "--province", "สงขลาา")
    assert "สงขลา?" in str(misspelt.value) and "load_gazetteer" not in str(misspelt.value)

    Subdistrict.objects.filter(district__province__name="สงขลา").delete()
    District.objects.filter(province__name="สงขลา").delete()
    Province.objects.filter(name="สงขลา").delete()
    with pytest.raises(CommandError) as missing:
        call_command("import_scores", str(table), "--year", "2561", "--province", "สงขลา")
    message = str(missing.value)
    assert message.count("สงขลา") == 1, message  # the refused name, never as a suggestion
    assert "76 of the country's 77 provinces" in message
    assert "manage.py load_gazetteer" in message
