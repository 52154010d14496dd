from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ita.demo.seed import seed_rows
from ita.organisations.models import Organisation, OrganisationAlias
from ita.results.models import Assessment, AssessmentYear
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def test_the_seed_has_85_rows_that_agree_with_the_2564_scheme(demo) -> None:
    rows = seed_rows()
    assert [r.number for r in rows] == list(range(1, 86))
    year = AssessmentYear.objects.prefetch_related("levels").get(year=2564)
    for row in rows:
        assert year.rate(row.total) == row.level, row
        assert year.passes(row.total) is row.passed, row


def test_row_50_is_suso_through_its_alias(demo) -> None:
    alias = OrganisationAlias.objects.get(name="องค์การบริหารส่วนตำบลอุยไธสง")
    assert alias.organisation == demo.home
    a = Assessment.objects.get(organisation=demo.home, year__year=2564)
    assert (a.total, a.level, a.change, a.passed, a.rank) == (D("93.26"), "A", D("26.19"), True, 50)


def test_suso_computes_to_93_26(demo) -> None:
    a = Assessment.objects.get(organisation=demo.home, year__year=2564)
    assert a.computed_total == D("93.2558")
    assert a.computed_total_display == D("93.26")
    assert a.totals_agree is True
    annotated = Assessment.objects.with_computed_total().get(pk=a.pk)
    assert annotated.computed_total == D("93.2558")


def test_2563_totals_are_derived_from_the_change_column(demo) -> None:
    a = Assessment.objects.get(organisation__name="องค์การบริหารส่วนจังหวัดตรัง", year__year=2563)
    assert a.total == D("62.92") and a.derived and a.level == "D" and a.passed is False
    assert Assessment.objects.filter(year__year=2563).count() == 85


def test_the_demo_has_every_organisation_once_with_its_kind(demo) -> None:
    assert Organisation.objects.count() == 85
    kinds = {k: Organisation.objects.filter(kind=k).count() for k in Organisation.Kind.values}
    assert kinds == {
        "pao": 1,
        "city": 1,
        "town": 1,
        "sdm": 22,
        "sao": 60,
        "special": 0,
        "agency": 0,
    }
    assert not Organisation.objects.filter(district__name="เมืองควน").exists()


def test_load_demo_refuses_to_overwrite_data_without_reset(demo) -> None:
    with pytest.raises(CommandError, match="--reset"):
        call_command("load_demo")
    call_command("load_demo", "--if-empty")
    assert Organisation.objects.count() == 85


@pytest.mark.django_db(transaction=True)  # flush truncates tables: not inside a transaction
def test_load_demo_reset_reloads(demo) -> None:
    Organisation.objects.filter(name__contains="ลิพัง").update(phone="1")
    call_command("load_demo", "--reset")
    assert Organisation.objects.count() == 85
    assert Organisation.objects.get(name__contains="ลิพัง").phone == ""


@pytest.mark.django_db(transaction=True)  # the reset truncates tables: not inside a transaction
def test_load_demo_reset_keeps_the_country_with_its_ids(demo) -> None:
    """The gazetteer is the country, not the demo: a reset keeps every province, district and
    subdistrict with its id (links to a province's results keep working), and an import of
    another province still finds its districts."""
    from ita.organisations.models import District, Province, Subdistrict

    # Transactional tests run last, and the flush after an earlier one empties every table.
    call_command("load_gazetteer", stdout=StringIO())
    country = {
        model: dict(model.objects.values_list("pk", "code"))
        for model in (Province, District, Subdistrict)
    }
    assert [len(country[m]) for m in (Province, District, Subdistrict)] == [77, 927, 7451]
    imported = make_organisation(
        district=District.objects.get(name="หาดใหญ่", province__name="สงขลา")
    )
    call_command("load_demo", "--reset", stdout=StringIO())
    for model, rows in country.items():
        assert dict(model.objects.values_list("pk", "code")) == rows, model.__name__
    assert not Organisation.objects.filter(pk=imported.pk).exists()
    assert Organisation.objects.count() == 85
    assert Province.objects.get(name="ตรัง").region == 9


@pytest.mark.django_db(transaction=True)  # the reset truncates tables: not inside a transaction
def test_load_demo_reset_gives_back_the_shipped_measure_templates(demo) -> None:
    """The templates are the product's (migration 0002), not the demo's: after a reset the demo
    drafts its measures from them as a fresh install would."""
    from measures.models import MeasureTemplate
    from measures.template_texts import TEMPLATES, UNIT

    MeasureTemplate.objects.all().delete()
    call_command("load_demo", "--reset", stdout=StringIO())
    assert MeasureTemplate.objects.count() == len(TEMPLATES)
    assert set(MeasureTemplate.objects.values_list("responsible_unit", flat=True)) == {UNIT}


def test_the_computed_total_subqueries_join_nothing_but_the_indicator() -> None:
    """Each row's subquery reads its scores by index; a join there made PostgreSQL crawl."""
    sql = str(Assessment.objects.with_computed_total().order_by().query)
    subqueries = sql.split("(SELECT", 1)[1]
    assert "ita_assessmentyear" not in subqueries
    assert subqueries.count("INNER JOIN") == 1  # the indicator, for its weight
