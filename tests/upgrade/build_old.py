"""Build a database with the code of today's main (58f4f6d), then snapshot it.

Run by ``tests/test_upgrade.py`` with the OLD tree as the working directory and on the path::

    python tests/upgrade/build_old.py OUT_DIR

It migrates, loads the demo and then, through the old services (and the old admin, as an
administrator would), writes a row into every table the restructuring moves: an import that
changes totals, creates an organisation and saves a spelling (of an organisation and of a
district), a finding added and one deleted, a suggested measure dropped, a progress update with
its evidence file, reminders, an emblem, an acting appointment, the memo chain of สุโสะ set in
the admin to head → clerk → mayor, memos sent, signed, returned, decided and withdrawn, and a
staff group with permissions on the moved models. It writes ``OUT_DIR/plan.json`` (the pages
and commands to compare, with the ids of this database) and ``OUT_DIR/old.json`` (their
content and the moved tables' rows).

Everything here may use the old code; the snapshot itself (``snapshot.py``) uses only what both
trees have.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import django

django.setup()

# snapshot.py is beside this script; ita, measures and memos are the OLD code (58f4f6d).
import snapshot  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from ita.models import (  # noqa: E402
    ActingAppointment,
    Assessment,
    AssessmentYear,
    ImportBatch,
    ImportRow,
    Organisation,
    Position,
    Province,
)

from ita import services as ita_services  # noqa: E402
from ita.imports import services as imports  # noqa: E402
from measures import services as measures  # noqa: E402
from measures.models import Measure  # noqa: E402
from memos import services as memos  # noqa: E402
from memos.models import Memo  # noqa: E402

HOME = "องค์การบริหารส่วนตำบลสุโสะ"
LIPANG = "องค์การบริหารส่วนตำบลลิพัง"
NEW_ORG = "องค์การบริหารส่วนตำบลทดลองใหม่"
# Row 84 as a scan might spell it: organisation and district both misspelt.
MISSPELT_ORG = ("องค์การบริหารส่วนตำบลเขาอค", "ห้วยยอค", "องค์การบริหารส่วนตำบลเขาอก")
# ลิพัง's indicator scores: their weighted sum is its total after the import, 90.85.
LIPANG_SCORES = {
    1: Decimal("95"),
    2: Decimal("92"),
    3: Decimal("96"),
    4: Decimal("80"),
    5: Decimal("94"),
    6: Decimal("90"),
    7: Decimal("85"),
    8: Decimal("88"),
    9: Decimal("92"),
    10: Decimal("93.65"),
}
# Rows whose total (and change) the import raises: row number → (total, change).
CHANGED_TOTALS = {"1": ("97.01", "+34.09"), "49": ("90.85", "+29.54"), "85": ("94.90", "+29.00")}


# The scenario ------------------------------------------------------------------------------------


def results_table() -> bytes:
    """The seed's Trang 2564 table with three totals raised, a misspelt row and a new one."""
    from ita.demo import SEED_TABLE

    lines = []
    for line in SEED_TABLE.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 7 and cells[0] in CHANGED_TOTALS:
            cells[3], cells[5] = CHANGED_TOTALS[cells[0]]
        if len(cells) == 7 and cells[0] == "84":
            cells[1], cells[2] = MISSPELT_ORG[0], MISSPELT_ORG[1]
        lines.append("\t".join(cells))
    lines.append("\t".join(["86", NEW_ORG, "ปะเหลียน", "88.50", "A", "+20.00", "ผ่าน"]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def run_import(admin: object) -> ImportBatch:
    trang = Province.objects.get(name="ตรัง")
    batch = imports.import_preview(
        data=results_table(),
        file_name="trang-2564-corrected.txt",
        year=2564,
        province=trang,
        source=ImportBatch.Source.UPLOAD,
        actor=admin,
    )
    for _round in range(2):
        unmatched = list(batch.rows.filter(status=ImportRow.Status.ERROR).order_by("line"))
        if not unmatched:
            break
        row = unmatched[0]
        if row.name == NEW_ORG:
            batch = imports.import_row_resolve(batch=batch, row=row, actor=admin, create=True)
        elif row.name == MISSPELT_ORG[0]:
            target = Organisation.objects.get(name=MISSPELT_ORG[2])
            batch = imports.import_row_resolve(
                batch=batch, row=row, actor=admin, organisation=target
            )
        else:
            raise SystemExit(f"unexpected import error on line {row.line}: {row.messages}")
        while batch.status == ImportBatch.Status.CHECKING:
            batch = imports.import_check(batch=batch, actor=admin, limit=None)
    if batch.error_count:
        errors = list(batch.rows.filter(status=ImportRow.Status.ERROR).values("line", "messages"))
        raise SystemExit(f"the import still has errors: {errors}")
    batch = imports.import_commit(batch=batch, actor=admin)
    if not Organisation.objects.filter(name=NEW_ORG).exists():
        raise SystemExit("the import did not create the new organisation")
    return batch


def preview(admin: object, file_name: str) -> ImportBatch:
    """A preview that is not applied."""
    return imports.import_preview(
        data=results_table(),
        file_name=file_name,
        year=2564,
        province=Province.objects.get(name="ตรัง"),
        source=ImportBatch.Source.PASTE,
        actor=admin,
    )


class FormReader(HTMLParser):
    """The values a browser would submit from the page's form with ``form_id`` (inputs, checked
    boxes, selected options, text areas), as a list of (name, value)."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.values: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind in {"submit", "button", "file", "image"}:
                return
            self.values.append((name, a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.values.append((self.select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # A browser drops the newline that follows <textarea>.
            self.values.append((self.textarea, "".join(self.text).removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text.append(data)


def set_chain_in_admin(admin: object, organisation: Organisation, chain: list[str]) -> None:
    """Change the organisation's memo chain through the admin's change form, as a person would
    (the admin writes its log entry, pointing at the organisation's content type)."""
    client = Client()
    client.force_login(admin)
    url = f"/admin/ita/organisation/{organisation.pk}/change/"
    page = client.get(url)
    if page.status_code != 200:
        raise SystemExit(f"{url}: {page.status_code}")
    reader = FormReader("organisation_form")
    reader.feed(page.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in reader.values:
        data.setdefault(name, []).append(value)
    data["memo_chain"] = [json.dumps(chain)]
    data["_save"] = ["Save"]
    response = client.post(url, data)
    if response.status_code != 302:
        raise SystemExit(f"the admin refused the chain: {response.content.decode()[:3000]}")
    organisation.refresh_from_db()
    if organisation.memo_chain != chain:
        raise SystemExit(f"the chain is {organisation.memo_chain!r}")


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (90, 120), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def fresh(memo: Memo) -> Memo:
    """The memo as it is now (each service checks the state the actor saw)."""
    return Memo.objects.get(pk=memo.pk)


def memo_data(home: Organisation, subject: str, year: AssessmentYear | None) -> dict:
    return {
        "unit_name": "งานกฎหมายและคดี สำนักปลัด องค์การบริหารส่วนตำบลสุโสะ",
        "unit_phone": home.phone,
        "letter_code": home.letter_code,
        "subject": subject,
        "addressee": "นายกองค์การบริหารส่วนตำบลสุโสะ",
        "body": f"{subject}\n\nจึงเรียนมาเพื่อโปรดทราบ",
        "signature_name": "นายณัชพล รังสิปการ",
        "signature_position": "นิติกรปฏิบัติการ",
        "report_year": year,
        "date": dt.date(2021, 9, 1),
    }


def scenario() -> dict:
    User = get_user_model()
    users = {u.username: u for u in User.objects.all()}
    admin, legal = users["admin"], users["legal"]
    home = Organisation.objects.get(name=HOME)
    y2564 = AssessmentYear.objects.get(year=2564)
    today = timezone.localdate()

    # Imports: one applied (changes, a new organisation, two spellings saved), one left ready,
    # one discarded.
    applied = run_import(admin)
    ready = preview(admin, "trang-2564-again.txt")
    imports.import_discard(batch=preview(admin, "trang-2564-wrong.txt"), actor=admin)

    # The memo chain without the deputy clerk, set in the admin; an acting appointment.
    set_chain_in_admin(admin, home, ["head", "clerk", "mayor"])
    clerk_position = Position.objects.get(organisation=home, role="clerk")
    ActingAppointment.objects.create(
        position=clerk_position,
        user=users["deputy"],
        starts=today - dt.timedelta(days=30),
        ends=today + dt.timedelta(days=400),
        note="คำสั่งที่ 12/2564",
    )

    # The emblem, uploaded by the clerk.
    memos.emblem_set(organisation=home, data=png(), filename="garuda.png", actor=users["clerk"])

    # Findings: one added (citing an OIT item), one deleted.
    assessment = Assessment.objects.get(organisation=home, year=y2564)
    indicator = y2564.indicators.get(number=9)
    item = assessment.year.oit_items.order_by("pk").first()
    added = measures.finding_create(
        assessment=assessment,
        tool="OIT",
        indicator=indicator,
        text="เพิ่มการเผยแพร่แผนการจัดซื้อจัดจ้างบนเว็บไซต์ของหน่วยงาน",
        oit_items=[item] if item else [],
        actor=legal,
    )
    doomed = measures.finding_create(
        assessment=assessment, tool="IIT", indicator=None, text="ประเด็นที่บันทึกผิด", actor=legal
    )
    doomed_pk = doomed.pk
    measures.finding_delete(finding=doomed, actor=legal)

    # Measures: ลิพัง's scores set, measures suggested from them, one kept and one dropped;
    # progress with evidence on สุโสะ's first; reminders.
    lipang = Assessment.objects.get(organisation__name=LIPANG, year=y2564)
    ita_services.assessment_set_scores(assessment=lipang, scores=LIPANG_SCORES, actor=admin)
    drafts = measures.measures_suggest(assessment=lipang, actor=users["outsider"], today=today)
    if len(drafts) < 2:
        raise SystemExit(f"expected suggestions for ลิพัง, got {drafts}")
    measures.measure_keep(measure=drafts[0], actor=users["outsider"])
    measures.measure_delete(measure=drafts[1], actor=users["outsider"])
    first = Measure.objects.filter(assessment=assessment, draft=False).order_by("pk").first()
    measures.progress_add(
        measure=first,
        note="ออกหนังสือกำชับพนักงานทุกคนแล้ว",
        files=[
            SimpleUploadedFile(
                "หนังสือกำชับ.txt", "หนังสือกำชับ ลงวันที่ 5 ม.ค. 2564".encode(), "text/plain"
            )
        ],
        marks_done=True,
        actor=legal,
        today=dt.date(2021, 3, 15),
    )
    measures.reminders_send(today=today, days_before=14, actor=None)

    # Memos: the demo memo through head and clerk (the deputy is not in the chain) to the
    # mayor's decision; one returned; one withdrawn; one waiting at the clerk's step (which
    # the deputy may sign, acting); one draft.
    demo_memo = Memo.objects.get(organisation=home, subject__startswith="รายงานผลการประเมิน")
    memos.attachment_add(
        memo=demo_memo,
        upload=SimpleUploadedFile("รายงาน.txt", "รายงานผล ITA 2564".encode(), "text/plain"),
        actor=legal,
    )
    memos.memo_send(memo=fresh(demo_memo), actor=legal)
    memos.memo_approve(memo=fresh(demo_memo), actor=users["head"], comment="เห็นควรเสนอปลัด")
    memos.memo_approve(memo=fresh(demo_memo), actor=users["clerk"], comment="เห็นควรนำเสนอนายก")
    memos.memo_approve(
        memo=fresh(demo_memo), actor=users["mayor"], comment="ทราบ", outcome="approved"
    )

    returned = memos.memo_create(
        organisation=home, data=memo_data(home, "ขออนุมัติจัดอบรมคุณธรรม", y2564), actor=legal
    )
    memos.memo_send(memo=fresh(returned), actor=legal)
    memos.memo_return(memo=fresh(returned), actor=users["head"], reason="โปรดแนบกำหนดการ")

    withdrawn = memos.memo_create(
        organisation=home, data=memo_data(home, "ขอถอนเรื่องทดสอบ", None), actor=legal
    )
    memos.memo_send(memo=fresh(withdrawn), actor=legal)
    memos.memo_withdraw(memo=fresh(withdrawn), actor=legal)

    waiting = memos.memo_create(
        organisation=home, data=memo_data(home, "รายงานความคืบหน้ามาตรการ", y2564), actor=legal
    )
    memos.memo_send(memo=fresh(waiting), actor=legal)
    memos.memo_approve(memo=fresh(waiting), actor=users["head"], comment="เห็นควรเสนอปลัด")

    draft = memos.memo_create(
        organisation=home, data=memo_data(home, "ร่างบันทึกข้อความ", y2564), actor=legal
    )

    # A staff member with permissions on the moved models, through a group and directly.
    editor = User.objects.create_user(
        "editor", "editor@example.org", "ita-demo-2564", first_name="บรรณาธิการ", is_staff=True
    )
    group = Group.objects.create(name="ผู้แก้ไขข้อมูลหน่วยงาน")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="ita",
            codename__in=[
                "view_province",
                "view_district",
                "view_districtalias",
                "change_organisation",
                "view_organisation",
                "view_organisationalias",
                "view_position",
                "view_actingappointment",
                "view_event",
                "view_importbatch",
                "view_importrow",
                "view_finding",
            ],
        )
    )
    editor.groups.add(group)
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="ita", codename="view_assessment")
    )

    return {
        "home": home.pk,
        "lipang": Organisation.objects.get(name=LIPANG).pk,
        "new_org": Organisation.objects.get(name=NEW_ORG).pk,
        "trang": Province.objects.get(name="ตรัง").pk,
        "applied_import": applied.pk,
        "ready_import": ready.pk,
        "assessment": assessment.pk,
        "finding": added.pk,
        "lipang_assessment": lipang.pk,
        # Each measure with a member who may see it.
        "measures": [
            [pk, "legal" if org == home.pk else "outsider"]
            for pk, org in Measure.objects.order_by("pk").values_list(
                "pk", "assessment__organisation"
            )
        ],
        "memos": {
            "decided": demo_memo.pk,
            "returned": returned.pk,
            "withdrawn": withdrawn.pk,
            "waiting": waiting.pk,
            "draft": draft.pk,
        },
        "finding_deleted": doomed_pk,
    }


# What to compare ----------------------------------------------------------------------------------

# The moved tables, by model, as the old code names them (the new names are in the test).
MOVED_TABLES = {
    "province": "ita_province",
    "district": "ita_district",
    "districtalias": "ita_districtalias",
    "organisation": "ita_organisation",
    "organisationalias": "ita_organisationalias",
    "position": "ita_position",
    "actingappointment": "ita_actingappointment",
    "event": "ita_event",
    "importbatch": "ita_importbatch",
    "importrow": "ita_importrow",
    "finding": "ita_finding",
}


def plan(ids: dict) -> dict:
    """The pages, downloads and commands to snapshot, as (user, url) with this database's ids."""
    home, lipang, new_org, trang = ids["home"], ids["lipang"], ids["new_org"], ids["trang"]
    memo_ids = ids["memos"]
    pages: list[dict] = []

    def add(url: str, user: str | None = None) -> None:
        pages.append({"url": url, "user": user, "key": snapshot.key_of(user, url)})

    # Public pages.
    add("/")
    add("/results/")
    add(f"/results/?year=2564&province={trang}")
    for year in (2564, 2563):
        add(f"/results/{year}/{trang}/")
        add(f"/results/{year}/{trang}/?format=csv")
        add(f"/results/{year}/{trang}/?format=xlsx")
        add(f"/results/{year}/{trang}/overview/")
    add(f"/results/2564/{trang}/?sort=total&level=A")
    add(f"/results/2564/{trang}/?q=ปะเหลียน")
    for org in (home, lipang, new_org):
        add(f"/organisations/{org}/")
        add(f"/organisations/{org}/insights/")
    add(f"/organisations/{home}/", "legal")
    add(f"/organisations/{home}/", "outsider")
    # Public API.
    for path in [
        "",
        "provinces",
        "districts",
        f"districts?province={trang}",
        "organisations?limit=1000",
        "organisations?q=สุโสะ",
        f"organisations/{home}",
        f"organisations/{new_org}",
        f"organisations/{lipang}",
        "years",
        "years/2564",
        "years/2563",
        "assessments?year=2564&limit=1000",
        f"assessments?organisation={home}",
        f"assessments?organisation={new_org}",
        f"scores?organisation={home}",
        "scores?year=2564&indicator=4",
    ]:
        add(f"/api/v1/{path}")

    # The members' pages.
    add("/my/", "legal")
    add("/memos/", "legal")
    add("/memos/", "outsider")
    for user in ("head", "deputy", "clerk", "mayor"):
        add("/memos/inbox/", user)
        add("/memos/", user)
    for memo in memo_ids.values():
        add(f"/memos/{memo}/", "legal")
        add(f"/memos/{memo}/pdf/", "legal")
    add(f"/memos/{memo_ids['waiting']}/", "clerk")
    add(f"/memos/{memo_ids['waiting']}/", "deputy")
    add(f"/memos/{memo_ids['decided']}/", "mayor")
    add(f"/memos/{memo_ids['returned']}/edit/", "legal")
    add(f"/memos/{memo_ids['draft']}/edit/", "legal")
    add("/memos/new/", "legal")
    add(f"/memos/organisations/{home}/emblem/", "clerk")
    add(f"/memos/organisations/{home}/emblem/image/", "clerk")
    memo = Memo.objects.get(pk=memo_ids["decided"])
    for attachment in memo.attachments.all():
        add(f"/memos/{memo.pk}/attachments/{attachment.pk}/", "legal")

    add("/measures/", "legal")
    add("/measures/", "mayor")
    add(f"/measures/report/{home}/2564/", "legal")
    add(f"/measures/report/{home}/2564/?on=2564-09-01", "legal")
    add(f"/measures/report/{home}/2564/oit/", "legal")
    add(f"/measures/report/{home}/2564/findings/new/", "legal")
    add(f"/measures/report/{home}/2564/measures/new/", "legal")
    add(f"/measures/findings/{ids['finding']}/edit/", "legal")
    add("/measures/", "outsider")
    add(f"/measures/report/{lipang}/2564/", "outsider")
    for measure, user in ids["measures"]:
        add(f"/measures/{measure}/", user)
        add(f"/measures/{measure}/edit/", user)
    for evidence in Measure.objects.values_list("updates__files__pk", flat=True):
        if evidence:
            add(f"/measures/evidence/{evidence}/", "legal")

    # The imports, as the administrator.
    add("/imports/", "admin")
    add(f"/imports/{ids['applied_import']}/", "admin")
    add(f"/imports/{ids['applied_import']}/?status=changed", "admin")
    add(f"/imports/{ids['ready_import']}/", "admin")

    # Admin changelists: every model the old admin has; the moved ones as the editor too.
    from django.contrib import admin as django_admin

    for model in django_admin.site._registry:
        label = model._meta.label_lower
        add(f"/admin/{label.replace('.', '/')}/", "admin")
        if model._meta.model_name in MOVED_TABLES:
            add(f"/admin/{label.replace('.', '/')}/", "editor")
    add("/admin/ita/organisation/?q=สุโสะ", "admin")
    add(f"/admin/ita/importrow/?batch__id__exact={ids['applied_import']}", "admin")

    commands = [
        ["export_scores", "--year", "2564", "--province", "ตรัง", "--format", "csv"],
        ["export_scores", "--year", "2564", "--format", "json"],
        ["export_scores", "--year", "2563", "--format", "csv"],
        # The command renders what the download does: once for a frozen report, once live.
        ["render_memo", str(memo_ids["decided"])],
        ["render_memo", str(memo_ids["draft"])],
    ]
    return {
        "ids": ids,
        "pages": pages,
        "commands": commands,
        "moved_tables": MOVED_TABLES,
    }


def data_tables() -> list[str]:
    """Every table of the old database with an ``id`` column but the moved ones (their rows are
    compared by id; the sessions are the snapshot's own logins)."""
    from django.db import connection

    moved = set(MOVED_TABLES.values())
    found = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            columns = {
                c.name for c in connection.introspection.get_table_description(cursor, table)
            }
            if "id" in columns and table not in moved and table != "django_session":
                found.append(table)
    return found


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", stdout=io.StringIO())
    ids = scenario()
    the_plan = plan(ids)
    the_plan["other_tables"] = data_tables()
    # The overview pages' table downloads, found on the pages themselves.
    the_plan["pages"] += snapshot.download_links(the_plan["pages"])
    (out / "plan.json").write_text(json.dumps(the_plan, ensure_ascii=False, indent=1))
    taken = snapshot.take(
        pages=the_plan["pages"],
        commands=the_plan["commands"],
        tables={**MOVED_TABLES, **{t: t for t in the_plan["other_tables"]}},
        work=out / "old-files",
    )
    (out / "old.json").write_text(json.dumps(taken, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
