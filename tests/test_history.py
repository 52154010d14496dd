"""The history log: typed kinds, real object types, the organisation of each change."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from ita.history.models import Event, EventKind
from ita.imports.choices import import_row_resolve
from ita.imports.models import ImportBatch
from ita.imports.services import (
    import_check,
    import_commit,
    import_discard,
    import_preview,
    import_revert,
)
from measures.models import Finding
from measures.services.measures import MeasureData, measure_create
from memos import services as memo_services
from memos import settings_services
from memos.models import Memo
from tests.imports.helpers import seed_text

pytestmark = pytest.mark.django_db

# Kinds whose object belongs to no one organisation (the country's data).
NATIONAL = {
    EventKind.YEAR_CREATE,
    EventKind.OIT_LOAD,
    EventKind.DISTRICT_ALIAS_ADD,
    *(k for k in EventKind if k.startswith(("import.", "operator."))),
}


def _import_with_a_new_organisation(admin) -> ImportBatch:
    text = seed_text() + "\n86\tเทศบาลตำบลใหม่เอี่ยม\tสิเกา\t90.00\tA\t\tผ่าน\n"
    batch = import_preview(data=text.encode(), file_name="t.txt", year=2564, actor=admin)
    batch = import_row_resolve(
        batch=batch, row=batch.rows.get(number="86"), create=True, actor=admin
    )
    while batch.status == ImportBatch.Status.CHECKING:
        batch = import_check(batch=batch, actor=admin)
    return import_commit(batch=batch, actor=admin)


def test_every_change_is_recorded_with_its_kind_object_and_organisation(demo) -> None:
    users = demo.users
    memo = Memo.objects.get(organisation=demo.home, state="draft")  # the fresh draft
    memo = memo_services.memo_send(memo=memo, actor=users["legal"])
    memo_services.memo_return(memo=memo, actor=users["head"], reason="ขอแก้ไข")
    settings_services.memo_chain_set(
        organisation=demo.home, memo_chain=["head", "clerk", "mayor"], actor=users["clerk"]
    )
    batch = _import_with_a_new_organisation(users["admin"])
    import_revert(batch=batch, actor=users["admin"])
    other = import_preview(
        data=seed_text().encode(), file_name="t.txt", year=2564, actor=users["admin"]
    )
    import_discard(batch=other, actor=users["admin"])

    events = list(Event.objects.all())
    kinds = {e.action for e in events}
    assert kinds >= {
        EventKind.MEMO_SEND,
        EventKind.MEMO_RETURN,
        EventKind.MEMO_CHAIN,
        EventKind.IMPORT_APPLY,
        EventKind.IMPORT_REVERT,
        EventKind.IMPORT_DISCARD,
        EventKind.ORGANISATION_CREATE,
        EventKind.MEASURE_CREATE,
        EventKind.OIT_STATUSES,
    }
    for e in events:
        assert e.action in EventKind.values, e.action
        apps.get_model(e.object_type)  # a real model's label, as the services write it
        if e.action in NATIONAL:
            assert e.organisation_id is None, e.action
        elif e.action != EventKind.ORGANISATION_CREATE:  # reverted: that organisation is gone
            assert e.organisation_id == demo.home.pk, (e.action, e.object_type)
    home_history = Event.objects.filter(organisation=demo.home)
    assert home_history.filter(action=EventKind.MEMO_RETURN, object_id=str(memo.pk)).exists()


def test_a_revert_never_deletes_what_members_wrote_on_the_results_it_created(demo) -> None:
    admin = demo.users["admin"]
    batch = _import_with_a_new_organisation(admin)
    created = batch.rows.get(number="86").organisation
    assessment = created.assessments.get()
    Finding.objects.create(assessment=assessment, tool="OIT", text="ยังไม่เผยแพร่ข้อมูล")
    measure_create(
        assessment=assessment,
        data=MeasureData(title="ปรับปรุงเว็บไซต์"),
        actor=admin,
    )
    with pytest.raises(ValidationError) as refused:
        import_revert(batch=batch, actor=admin)
    message = " ".join(refused.value.messages)
    assert "ประเด็น" in message and "มาตรการ" in message
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert created.assessments.exists() and Finding.objects.filter(assessment=assessment).exists()


def test_one_writer_for_one_row_and_many(caplog, django_capture_on_commit_callbacks) -> None:
    """The bulk writer refuses an unknown kind, gives the published data a new version and logs
    each row once committed, as the single one does."""
    from ita.history import published
    from ita.history.payloads import OrganisationImported
    from ita.history.services import event_record, events_record

    with pytest.raises(ValueError):
        event_record(actor=None, action="no.such_kind", organisation_id=None)
    with pytest.raises(ValueError):
        events_record(actor=None, action="no.such_kind", rows=[(None, "x", "1", "", {})])
    assert not Event.objects.exists()

    before = published.current()
    caplog.set_level("INFO", logger="ita.history")
    with django_capture_on_commit_callbacks(execute=True):
        events_record(
            actor=None,
            action=EventKind.ORGANISATION_CREATE,
            rows=[
                (
                    None,
                    "organisations.organisation",
                    str(n),
                    f"{n}",
                    OrganisationImported({"import": 1, "line": n}),
                )
                for n in (1, 2)
            ],
        )
    assert published.current() != before
    logged = [r.fields["object"] for r in caplog.records if r.msg == "event"]
    assert logged == ["organisations.organisation:1", "organisations.organisation:2"]
    event = Event.objects.order_by("pk").last()
    assert event is not None and event.action_label == EventKind.ORGANISATION_CREATE.label


def test_a_kind_with_a_payload_is_written_with_exactly_its_keys() -> None:
    from ita.history.payloads import PAYLOADS, YearCreated
    from ita.history.services import event_record

    assert PAYLOADS[EventKind.YEAR_CREATE] == (YearCreated,)
    for data in (
        {"copied_from": None, "scheme": None},
        {**YearCreated(copied_from=None, scheme=None, confirmed=True), "extra": 1},
    ):
        with pytest.raises(TypeError):
            event_record(actor=None, action=EventKind.YEAR_CREATE, organisation_id=None, data=data)
    event_record(
        actor=None,
        action=EventKind.YEAR_CREATE,
        organisation_id=None,
        data=YearCreated(copied_from=2563, scheme="letters", confirmed=False),
    )
    assert Event.objects.get().data == {
        "copied_from": 2563,
        "scheme": "letters",
        "confirmed": False,
    }


def test_every_kind_has_its_typed_payload() -> None:
    """Every kind the services write has a payload (a TypedDict), and the writer refuses a kind
    written without its payload's keys, or with a payload of another kind."""
    from typing import is_typeddict

    from ita.history.payloads import PAYLOADS, MemoReturned, Nothing, Seen
    from ita.history.services import event_record

    assert set(PAYLOADS) == set(EventKind)
    assert all(is_typeddict(p) for shapes in PAYLOADS.values() for p in shapes)
    for kind, data in (
        (EventKind.MEMO_SEND, MemoReturned(round=1, acting_for="")),  # another kind's
        (EventKind.LOCKOUT, Seen(ip="127.0.0.1")),  # its limit missing
        (EventKind.MEMO_DETACH, MemoReturned(round=1, acting_for="")),  # one without details
    ):
        with pytest.raises(TypeError):
            event_record(actor=None, action=kind, organisation_id=None, data=data)
    event_record(actor=None, action=EventKind.MEMO_DETACH, organisation_id=None, data=Nothing())
    event_record(actor=None, action=EventKind.LOGOUT, organisation_id=None)  # no request: {}
    assert Event.objects.count() == 2


def test_every_row_the_demo_writes_has_its_kinds_payload(demo) -> None:
    """The demo's whole story (imports, the report, memos sent, signed and decided, logins) is
    written through the services: each row's details are its kind's payload."""
    from ita.history.payloads import check

    rows = list(Event.objects.values_list("action", "data"))
    kinds = {action for action, _data in rows}
    assert {EventKind.MEMO_SEND, EventKind.MEMO_DECIDE, EventKind.MEASURE_CREATE} <= kinds
    for action, data in rows:
        check(EventKind(action), data)


def test_the_kinds_the_admins_edits_write_take_the_change_payload() -> None:
    """Every kind given to ``saved_with_history`` or ``deleted_with_history`` (the admin's
    forms, wherever they save) accepts its before-and-after ``Change``, beside any shape of its
    own: read from the code, so a kind added to an admin without it fails here, not on save."""
    import ast
    from pathlib import Path

    from django.conf import settings

    from ita.history.payloads import PAYLOADS, Change

    kinds = set()
    for package in ("ita", "memos", "measures"):
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name not in ("saved_with_history", "deleted_with_history"):
                    continue
                for kw in node.keywords:
                    if kw.arg in ("create", "update", "action"):
                        assert isinstance(kw.value, ast.Attribute), ast.unparse(kw.value)
                        kinds.add(EventKind[kw.value.attr])
    assert EventKind.FINDING_UPDATE in kinds and EventKind.ORGANISATION_CREATE in kinds
    assert [k for k in kinds if Change not in PAYLOADS[k]] == []
