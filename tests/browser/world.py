"""The demo with one of every kind of page in it, for the walks over every page as every role.

The demo alone has no memo waiting at each executive's step, none returned, no attachment, no
evidence and no import waiting to be applied; each of these pages looks different, so ``build``
makes them through the services, as people would.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ita.demo import memos as demo_memos
from ita.imports import services as imports
from ita.imports.models import ImportBatch
from ita.organisations.models import Organisation, Province
from measures.models import Evidence, Finding, Measure
from measures.services.progress import progress_add
from memos import publishing
from memos import services as memos
from memos.models import Memo
from tests import urlmap
from tests.imports.helpers import seed_bytes

# Every role of the product: a visitor, the legal officer who drafts, the four executives in
# chain order, the administrator, and a member of another organisation.
ROLES = ("visitor", "legal", "head", "deputy", "clerk", "mayor", "admin", "outsider")
CHAIN = ("head", "deputy", "clerk", "mayor")
# Routes that answer with a file, not a page: PDFs, images, attachments, evidence, exports.
FILES = re.compile(r"pdf/$|image/$|\.<str:fmt>$|<int:attachment_id>/$|^measures/evidence/")


def pdf_bytes(title: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class World:
    """What ``build`` made: the memo waiting at each step (by role), the others by state."""

    waiting: dict[str, Memo] = field(default_factory=dict)
    memos: list[int] = field(default_factory=list)


def _memo(demo, subject: str) -> Memo:
    return memos.memo_create(
        organisation=demo.home,
        data={
            "unit_name": "สำนักปลัด",
            "letter_code": "ตง 78201",
            "subject": subject,
            "addressee": "นายกองค์การบริหารส่วนตำบลสุโสะ",
            "body": "เพื่อโปรดพิจารณา",
            "signature_name": "นายณัชพล รังสิปการ",
            "signature_position": "นิติกรปฏิบัติการ",
        },
        actor=demo.users["legal"],
    )


def build(demo) -> World:
    users = demo.users
    world = World()
    # The seed's memo again, through the chain to the mayor's approval, its report published.
    decided = demo_memos.seed_draft()
    memos.memo_send(memo=decided, actor=users["legal"])
    for role in CHAIN:
        memos.memo_approve(
            memo=Memo.objects.get(pk=decided.pk),
            actor=users[role],
            comment="เห็นควรอนุมัติ",
            outcome=Memo.Outcome.APPROVED if role == "mayor" else "",
        )
    publishing.memo_publish_report(memo=Memo.objects.get(pk=decided.pk), actor=users["legal"])
    # The seed's memo waiting at each executive in turn (the mayor's is the seed's own text, with
    # its report: the page a mayor opens on a phone), one with an attachment.
    for i, step in enumerate(CHAIN):
        memo = demo_memos.seed_draft() if step == "mayor" else _memo(demo, f"ขออนุมัติ ({i + 1})")
        if step == "head":
            memos.attachment_add(
                memo=memo,
                upload=SimpleUploadedFile("รายงาน.pdf", pdf_bytes("รายงาน ITA"), "application/pdf"),
                actor=users["legal"],
            )
        memos.memo_send(memo=memo, actor=users["legal"])
        for before in CHAIN[: CHAIN.index(step)]:
            memos.memo_approve(
                memo=Memo.objects.get(pk=memo.pk), actor=users[before], comment="เห็นควร"
            )
        world.waiting[step] = Memo.objects.get(pk=memo.pk)
    returned = _memo(demo, "ขออนุมัติ (ส่งคืน)")
    memos.memo_send(memo=returned, actor=users["legal"])
    memos.memo_return(
        memo=Memo.objects.get(pk=returned.pk), actor=users["head"], reason="โปรดแก้ไขวันที่"
    )
    # Progress with evidence on a measure of the report.
    measure = Measure.objects.filter(assessment__organisation=demo.home, draft=False).first()
    assert measure is not None
    progress_add(
        measure=measure,
        note="ออกหนังสือกำชับพนักงานทุกคนแล้ว",
        files=[SimpleUploadedFile("หนังสือ.pdf", pdf_bytes("หนังสือ"), "application/pdf")],
        actor=users["legal"],
        today=dt.date(2021, 3, 15),
    )
    # An import of the seed's table with one score changed, checked and waiting to be applied.
    data = seed_bytes().replace(b"96.76\tAA\t+33.84", b"97.76\tAA\t+34.84")
    batch = imports.import_start(
        data=data,
        file_name="trang_2564.txt",
        year=2564,
        province=None,
        kind=None,
        source="test",
        actor=users["admin"],
    )
    imports.import_check(batch=batch, actor=users["admin"], limit=None)
    world.memos = list(Memo.objects.order_by("pk").values_list("pk", flat=True))
    return world


def _organisations(demo) -> list[str]:
    """The demo's own organisation, the outsider's, and one organisation of each kind of public
    page (results that pass and fail, that only pass, that only fail…: the first organisation
    whose page has each ``shape``)."""
    client = Client()
    chosen, shapes = {demo.home.pk, demo.other.pk}, set()
    for pk in Organisation.objects.order_by("pk").values_list("pk", flat=True):
        response = client.get(reverse("organisation_detail", args=[pk]))
        if response.status_code == 200 and shape(response.content) not in shapes:
            shapes.add(shape(response.content))
            chosen.add(pk)
    return [str(pk) for pk in sorted(chosen)]


def candidate_pages(demo) -> list[tuple[str, str]]:
    """(route, path) for every route of the URL map, files left out, with each parameter filled
    with the ids of the model it names (``urlmap.typed_paths``): every memo (each state is a
    different page), every row of the other kinds the world has, and of the organisations the
    demo's own, the outsider's and one of each other kind (``organisations``); ``tests.urlmap``
    finds the routes added later."""
    organisations = _organisations(demo)

    def ids(model) -> list[str]:
        if model is Organisation:
            return organisations
        return [str(pk) for pk in model._base_manager.order_by("pk").values_list("pk", flat=True)]

    every = sorted(
        {
            *map(int, organisations),
            *Memo.objects.values_list("pk", flat=True),
            *Measure.objects.values_list("pk", flat=True),
            *Finding.objects.values_list("pk", flat=True),
            *Evidence.objects.values_list("pk", flat=True),
            *ImportBatch.objects.values_list("pk", flat=True),
        }
    )
    values = {
        "year": ["2564"],
        "province_id": [str(Province.objects.get(name="ตรัง").pk)],
        "uidb64": ["MQ"],
        "token": ["x-y"],
        "result_id": [],
    }
    pages = [
        (route, path)
        for route in urlmap.routes()
        if not route.startswith(("admin/", "api/", "i18n/")) and not FILES.search(route)
        for path in urlmap.typed_paths(route, values, ids, [str(i) for i in every])
    ]
    # The verification page as it answers a code: a decided memo's facts and signatures.
    decided = Memo.objects.filter(state=Memo.State.DECIDED).order_by("pk").first()
    if decided is not None:
        pages.append(("verify/", f"/verify/?code={decided.verify_code}"))
    return pages


_CLASSES = re.compile(rb'class="([^"]*)"')


def shape(html: bytes) -> frozenset[bytes]:
    """What kinds of element a page holds (its class names): two memos in the same state have
    the same shape, a memo at another step another one."""
    return frozenset(c for m in _CLASSES.finditer(html) for c in m.group(1).split())
