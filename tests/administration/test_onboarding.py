"""Onboarding at scale: a generated province of 100 organisations from one CSV, in one step; a
second run changes nothing; the operators' page previews first; a named permission guards it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from ita.accounts.models import Invitation
from ita.accounts.tokens import token
from ita.administration import onboarding
from ita.demo import synthetic
from ita.history.models import Event
from ita.organisations import holders
from ita.organisations.models import Organisation, Position
from tests.factories import make_position, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def province() -> list[Organisation]:
    """100 organisations of one generated province; the first 50 carry a DOPA code."""
    data = synthetic.build(
        organisations=100, provinces=1, districts=8, years=(), scores=False, seed=25
    )
    organisations = sorted(data.organisations, key=lambda o: o.pk)
    for n, organisation in enumerate(organisations[:50]):
        organisation.code = f"69{n:05d}"
    Organisation.objects.bulk_update(organisations[:50], ["code"])
    return list(
        Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        .select_related("district__province")
        .order_by("pk")
    )


def _csv(organisations: list[Organisation], extra: str = "") -> bytes:
    lines = ["รหัส,หน่วยงาน,อำเภอ,จังหวัด,อีเมล"]
    for n, o in enumerate(organisations):
        if o.code:
            lines.append(f"{o.code},,,,admin{n}@example.org")
        else:  # by name and district (and province), in the short form tables use
            short = f"{o.short_kind}{o.short_name}" if o.short_kind else o.name
            lines.append(
                f",{short},{o.district.name},{o.district.province.name},admin{n}@example.org"
            )
    return ("\n".join(lines) + "\n" + extra).encode("utf-8")


def _run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("invite_administrators", str(path), *args, stdout=out)
    return out.getvalue()


def _state() -> tuple[int, int, int, int, int]:
    return (
        Invitation.objects.count(),
        Position.objects.count(),
        Event.objects.count(),
        User.objects.count(),
        len(mail.outbox),
    )


def test_a_province_of_100_is_onboarded_in_one_step_and_a_second_run_changes_nothing(
    province, tmp_path: Path
) -> None:
    administered, vacant, leaver = province[10], province[60], province[70]
    make_position(administered, "clerk", holder=make_user("sitting-clerk"), title="ปลัดเดิม")
    free = make_position(vacant, "clerk", title="ปลัดที่ว่าง")
    gone = make_user("left-clerk", is_active=False)
    left = make_position(leaver, "clerk", holder=gone, title="ปลัดที่ลาออก")
    path = tmp_path / "province.csv"
    path.write_bytes(
        _csv(
            province,
            extra="99999,,,,nobody@example.org\n,อบต.ไม่มีจริง,ไม่มี,,x@example.org\n"
            f"{province[0].code},,,,not-an-address\n",
        )
    )

    out = _run(path)

    invited = Invitation.objects.select_related("position")
    assert invited.count() == 99  # one organisation is administered already
    assert {i.organisation_id for i in invited} == {o.pk for o in province} - {administered.pk}
    assert all(i.position.role == "clerk" for i in invited)
    assert invited.get(organisation=vacant).position == free
    assert invited.get(organisation=leaver).position == left
    made = invited.get(organisation=province[20]).position
    assert made.title == f"ปลัด{province[20].name}" and made.holder is None
    assert len(mail.outbox) == 99
    assert {m.to[0] for m in mail.outbox} == {
        f"admin{n}@example.org" for n in range(100) if n != 10
    }
    lines = [line for line in out.splitlines() if line.startswith("บรรทัด")]
    assert sum("เชิญแล้ว" in line for line in lines) == 99
    assert sum("มีอยู่แล้ว" in line for line in lines) == 1  # the one administered
    assert sum("ไม่พบหน่วยงาน" in line for line in lines) == 2
    assert sum("ไม่ใช่อีเมล" in line for line in lines) == 1

    before = _state()
    again = _run(path)
    assert _state() == before
    assert "เชิญแล้ว" not in again
    assert sum("มีอยู่แล้ว" in line for line in again.splitlines() if line.startswith("บรรทัด")) == 100


def test_each_invited_administrator_then_administers_their_organisation(
    province, tmp_path: Path, client: Client
) -> None:
    path = tmp_path / "three.csv"
    path.write_bytes(_csv(province[48:51]))  # by code, by code, by name and district
    _run(path)
    for invitation in Invitation.objects.select_related("organisation"):
        client.logout()
        url = reverse("accounts:invitation", args=[invitation.pk, token(invitation)])
        password = "ผู้ดูแล-2567-ok"
        response = client.post(
            url,
            {
                "username": invitation.email,
                "first_name": "นายผู้ดูแล",
                "last_name": "ระบบ",
                "password1": password,
                "password2": password,
            },
        )
        assert response.status_code == 302
        user = User.objects.get(username=invitation.email)
        assert holders.administers(user, invitation.organisation)
        manage = reverse("administration:people", args=[invitation.organisation_id])
        assert client.get(manage).status_code == 200


def test_a_dry_run_reports_and_changes_nothing(province, tmp_path: Path) -> None:
    path = tmp_path / "province.csv"
    path.write_bytes(_csv(province[:5]))
    before = _state()
    out = _run(path, "--dry-run")
    assert _state() == before
    assert out.count("→ จะเชิญ") == 5


def test_a_file_without_the_columns_is_refused_in_thai(tmp_path: Path, db) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes("ชื่อ,เบอร์โทร\nก,1\n".encode())
    with pytest.raises(CommandError, match="อีเมล"):
        _run(path)
    assert Invitation.objects.count() == 0


def test_a_thai_windows_file_is_read(province, tmp_path: Path) -> None:
    path = tmp_path / "cp874.csv"
    path.write_bytes(_csv(province[50:52]).decode("utf-8").encode("cp874"))
    _run(path)
    assert Invitation.objects.count() == 2


def test_two_organisations_of_one_name_are_told_apart_by_district(db) -> None:
    """As in the country: บ้านนา is a subdistrict of several districts. (A district's name
    alone may be ambiguous too: the gazetteer has an อำเภอสอง, in แพร่; the province says which.)"""
    from tests.factories import make_district, make_organisation, make_province

    province = make_province("จังหวัดทดสอบนา")
    first = make_district(province, name="อำเภอหนึ่ง")
    second = make_district(province, name="อำเภอสอง")
    a = make_organisation(first, name="องค์การบริหารส่วนตำบลบ้านนา")
    b = make_organisation(second, name="องค์การบริหารส่วนตำบลบ้านนา")
    rows = onboarding.plan(
        onboarding.read_rows(
            "หน่วยงาน,อำเภอ,จังหวัด,อีเมล\n"
            "อบต.บ้านนา,,,x@example.org\n"
            "อบต.บ้านนา,อำเภอสอง,จังหวัดทดสอบนา,y@example.org\n"
            "อบต.บ้านนา,หนึ่ง,ทดสอบนา,z@example.org\n".encode()
        )
    )
    assert [r.status for r in rows] == [onboarding.AMBIGUOUS, onboarding.INVITE, onboarding.INVITE]
    assert [r.organisation_id for r in rows[1:]] == [b.pk, a.pk]


def test_a_name_stored_in_another_district_is_a_suggestion_never_a_match(db) -> None:
    """As the score imports read a place: the one บ้านดอน is in อำเภอดอนหนึ่ง; a row that puts it
    in อำเภอดอนสอง invites nobody, nor does one that names no district, which is told the one it
    may mean."""
    from tests.factories import make_district, make_organisation, make_province

    province = make_province("จังหวัดทดสอบดอน")
    first = make_district(province, name="อำเภอดอนหนึ่ง")
    make_district(province, name="อำเภอดอนสอง")
    make_organisation(first, name="องค์การบริหารส่วนตำบลบ้านดอน")
    rows = onboarding.plan(
        onboarding.read_rows(
            "หน่วยงาน,อำเภอ,จังหวัด,อีเมล\n"
            "อบต.บ้านดอน,อำเภอดอนสอง,จังหวัดทดสอบดอน,x@example.org\n"
            "อบต.บ้านดอน,,,y@example.org\n".encode()
        )
    )
    assert [r.status for r in rows] == [onboarding.UNKNOWN, onboarding.UNKNOWN]
    assert all(r.organisation_id is None for r in rows)
    assert "อบต.บ้านดอน (อำเภอดอนสอง)" in rows[0].detail
    assert "องค์การบริหารส่วนตำบลบ้านดอน" in rows[1].detail
    assert "อำเภอดอนหนึ่ง" in rows[1].detail


# --- the operators' page -----------------------------------------------------------------------


def _operator(with_permission: bool) -> User:
    user = make_user("operator-" + ("yes" if with_permission else "no"), is_staff=True)
    if with_permission:
        user.user_permissions.add(Permission.objects.get(codename="onboard_administrators"))
    return user


def test_the_page_needs_the_named_permission_not_staff_alone(client: Client, db) -> None:
    url = reverse("onboarding")
    assert client.get(url).status_code == 302  # to log in
    client.force_login(_operator(False))
    assert client.get(url).status_code == 403
    client.force_login(_operator(True))
    assert client.get(url).status_code == 200


def test_the_page_previews_then_invites_in_one_step(client: Client, province) -> None:
    client.force_login(_operator(True))
    url = reverse("onboarding")
    text = _csv(province[:30]).decode()
    preview = client.post(url, {"text": text, "action": "preview"})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert page.count("จะเชิญ") >= 30
    assert Invitation.objects.count() == 0 and mail.outbox == []
    done = client.post(url, {"text": text, "action": "apply"})
    assert done.status_code == 200
    assert Invitation.objects.count() == 30 and len(mail.outbox) == 30
    again = client.post(url, {"text": text, "action": "apply"})
    assert again.status_code == 200
    assert Invitation.objects.count() == 30 and len(mail.outbox) == 30


def test_the_page_says_what_is_wrong_with_a_file_and_changes_nothing(client: Client, db) -> None:
    client.force_login(_operator(True))
    response = client.post(reverse("onboarding"), {"text": "a,b\n1,2", "action": "apply"})
    assert response.status_code == 400
    assert "อีเมล" in response.content.decode()
    assert Invitation.objects.count() == 0
