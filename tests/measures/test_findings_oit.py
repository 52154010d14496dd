import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from ita.history.models import Event
from ita.results.models import Indicator
from measures.models import Finding, OitItem, OitStatus
from measures.services.checklist import OitAnswer, oit_checklist_load, oit_statuses_set
from measures.services.findings import finding_create
from tests import factories
from tests.measures.helpers import home_assessment, report_url

pytestmark = pytest.mark.django_db


def test_2564_has_43_items_with_the_known_names(demo) -> None:
    items = {i.number: i for i in OitItem.objects.filter(year__year=2564)}
    assert sorted(items) == list(range(1, 44))
    assert items[2].name == "ข้อมูลผู้บริหาร" and items[2].code == "O2"
    assert items[17].name == "E-Service"
    assert items[30].name.startswith("ช่องทางแจ้งเรื่องร้องเรียน")
    assert items[35].name == "การมีส่วนร่วมของผู้บริหาร"
    assert items[38].name == "การเสริมสร้างวัฒนธรรมองค์กร"
    assert {i.indicator.number for n, i in items.items() if n <= 33} == {9}
    assert {i.indicator.number for n, i in items.items() if n >= 34} == {10}


def test_a_new_year_copies_the_latest_checklist_which_is_then_its_own(demo) -> None:
    year = factories.make_year(2565)
    call_command("oit_checklist", "--year", "2565", stdout=io.StringIO())
    new = OitItem.objects.get(year=year, number=2)
    assert new.name == "ข้อมูลผู้บริหาร" and new.indicator.year == year
    new.name = "ข้อมูลผู้บริหาร (แก้ไข)"
    new.save()
    assert OitItem.objects.get(year__year=2564, number=2).name == "ข้อมูลผู้บริหาร"
    with pytest.raises(CommandError, match="2565"):
        call_command("oit_checklist", "--year", "2565")
    with pytest.raises(CommandError, match="2599"):
        call_command("oit_checklist", "--year", "2599")


def test_the_seeds_findings_cite_their_items(demo) -> None:
    cited = {
        f.text[:30]: sorted(i.code for i in f.oit_items.all())
        for f in Finding.objects.filter(tool="OIT")
    }
    assert sorted(cited.values()) == [["O17"], ["O2"], ["O35"], ["O38"]]


def test_staff_add_edit_and_delete_findings_with_history(client, demo) -> None:
    a = home_assessment(demo)
    client.force_login(demo.users["legal"])
    ind = Indicator.objects.get(year=a.year, number=9)
    item = OitItem.objects.get(year=a.year, number=5)
    response = client.post(
        report_url(demo) + "findings/new/",
        {"tool": "OIT", "indicator": ind.pk, "text": "  แสดงข้อมูลการติดต่อ  ", "oit_items": [item.pk]},
    )
    assert response.status_code == 302
    f = Finding.objects.get(text="แสดงข้อมูลการติดต่อ")
    assert list(f.oit_items.all()) == [item]
    client.post(
        f"/measures/findings/{f.pk}/edit/", {"tool": "OIT", "indicator": ind.pk, "text": "ใหม่"}
    )
    f.refresh_from_db()
    assert f.text == "ใหม่" and not f.oit_items.exists()
    client.post(f"/measures/findings/{f.pk}/delete/")
    assert not Finding.objects.filter(pk=f.pk).exists()
    actions = list(
        Event.objects.filter(object_id=str(f.pk), object_type="measures.finding")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["finding.create", "finding.update", "finding.delete"]


def test_a_finding_with_an_indicator_of_another_tool_is_refused(client, demo) -> None:
    a = home_assessment(demo)
    client.force_login(demo.users["legal"])
    ind = Indicator.objects.get(year=a.year, number=4)
    before = Finding.objects.count()
    response = client.post(
        report_url(demo) + "findings/new/", {"tool": "OIT", "indicator": ind.pk, "text": "x"}
    )
    assert response.status_code == 200 and "IIT" in response.content.decode()
    assert Finding.objects.count() == before
    other_year = Indicator.objects.get(year__year=2563, number=9)
    with pytest.raises(ValidationError, match="2564"):
        finding_create(assessment=a, tool="OIT", indicator=other_year, text="x", actor=None)


def test_the_checklist_saves_statuses_and_evidence_addresses(client, demo) -> None:
    client.force_login(demo.users["legal"])
    url = report_url(demo) + "oit/"
    items = list(OitItem.objects.filter(year__year=2564).order_by("number"))
    data = {}
    for i in items:
        data[f"state_{i.pk}"] = "unknown"
        data[f"url_{i.pk}"] = ""
    data[f"state_{items[1].pk}"] = "published"
    data[f"url_{items[1].pk}"] = "https://suso.go.th/executives"
    assert client.post(url, data).status_code == 302
    s = OitStatus.objects.get(organisation=demo.home, item=items[1])
    assert (s.state, s.evidence_url) == ("published", "https://suso.go.th/executives")
    assert Event.objects.filter(action="oit.statuses").exists()


def test_the_first_save_counts_only_the_items_that_changed(client, demo) -> None:
    client.force_login(demo.users["legal"])
    url = report_url(demo) + "oit/"
    OitStatus.objects.filter(organisation=demo.home).delete()
    items = list(OitItem.objects.filter(year__year=2564).order_by("number"))
    data = {f"state_{i.pk}": "unknown" for i in items} | {f"url_{i.pk}": "" for i in items}
    data[f"state_{items[2].pk}"] = "missing"
    response = client.post(url, data, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["ปรับปรุง 1 รายการแล้ว"]
    assert OitStatus.objects.filter(organisation=demo.home).count() == 1  # no rows for unchecked
    assert Event.objects.filter(action="oit.statuses").order_by("pk").last().data["items"] == [
        items[2].code
    ]
    response = client.post(url, data, follow=True)  # the same answers again: nothing changed
    assert [str(m) for m in response.context["messages"]] == ["ไม่มีรายการใดเปลี่ยนแปลง"]


def test_a_bad_evidence_address_saves_nothing_and_names_the_item(client, demo) -> None:
    client.force_login(demo.users["legal"])
    items = list(OitItem.objects.filter(year__year=2564).order_by("number"))
    data = {f"state_{i.pk}": "published" for i in items}
    data[f"url_{items[4].pk}"] = "not a web address"
    response = client.post(report_url(demo) + "oit/", data)
    assert response.status_code == 200
    assert "O5:" in response.content.decode()
    assert not OitStatus.objects.filter(state="published").exists()


def test_statuses_of_items_of_another_year_are_refused(demo) -> None:
    year = factories.make_year(2565)
    oit_checklist_load(year=year, actor=None)
    other = OitItem.objects.get(year=year, number=1)
    with pytest.raises(ValidationError, match=str(other.pk)):
        oit_statuses_set(
            organisation=demo.home, year=demo.year,
            answers={other.pk: OitAnswer("published")}, actor=None,
        )  # fmt: skip


def test_a_later_year_s_checklist_starts_from_the_latest_earlier_one_and_says_so(
    client, demo
) -> None:
    from ita.results.models import Assessment

    year = factories.make_year(2566)
    oit_checklist_load(year=year, actor=None)
    Assessment.objects.create(organisation=demo.home, year=year, total=90)
    client.force_login(demo.users["legal"])
    page = client.get(reverse("measures:oit_checklist", args=[demo.home.pk, 2566])).content.decode()
    assert "เริ่มจากรายการของปี 2564" in page
    assert "เริ่มจากรายการ" not in client.get(report_url(demo) + "oit/").content.decode()
