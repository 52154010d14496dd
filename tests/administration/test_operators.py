"""The site's operators work by named permissions, not by ``is_staff`` alone: a staff account
without them gets 403 on every operator's page and sees none of their links; the demo's operator
(staff, no superuser, in the operators' group) reaches each, and keeps the organisations in the
Django admin without touching what an organisation runs itself."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from ita.administration import operators
from tests.factories import make_user

pytestmark = pytest.mark.django_db

OPERATOR_PAGES = {
    "imports": "imports:index",
    "onboarding": "onboarding",
    "tasks": "ops:tasks",
}


@pytest.mark.parametrize("page", OPERATOR_PAGES)
def test_staff_alone_is_refused_every_operators_page_and_sees_no_link(
    client: Client, db, page: str
) -> None:
    client.force_login(make_user("staffonly", is_staff=True))
    url = reverse(OPERATOR_PAGES[page])
    assert client.get(url).status_code == 403
    home = client.get(reverse("memos:desk")).content.decode()
    assert f'href="{url}"' not in home


def test_a_failed_task_is_not_retried_by_staff_alone(client: Client, db) -> None:
    client.force_login(make_user("staffonly", is_staff=True))
    url = reverse("ops:task_retry", args=["00000000-0000-0000-0000-000000000000"])
    assert client.post(url).status_code == 403


@pytest.mark.parametrize("page", OPERATOR_PAGES)
def test_the_demo_operator_reaches_each_page_by_the_groups_permissions(
    client: Client, demo, page: str
) -> None:
    operator = demo.users["operator"]
    assert operator.is_staff and not operator.is_superuser
    assert not operator.user_permissions.exists()  # through the group only
    client.force_login(operator)
    url = reverse(OPERATOR_PAGES[page])
    assert client.get(url).status_code == 200
    assert f'href="{url}"' in client.get(reverse("memos:desk")).content.decode()


def test_the_demo_operator_keeps_organisations_not_their_people(client: Client, demo) -> None:
    client.force_login(demo.users["operator"])
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:organisations_organisation_changelist") in index
    assert reverse("admin:ita_assessmentyear_changelist") in index
    # Who holds which position and who signs what is the organisation's own business.
    assert reverse("admin:organisations_position_changelist") not in index
    assert reverse("admin:memos_memo_changelist") not in index
    assert client.get(reverse("admin:organisations_position_changelist")).status_code == 403
    assert client.get(reverse("admin:memos_memo_changelist")).status_code == 403
    assert client.get(reverse("admin:history_event_changelist")).status_code == 200
    change = reverse("admin:organisations_organisation_change", args=[demo.home.pk])
    assert client.get(change).status_code == 200


def test_the_demo_clerk_holds_no_operators_permission(demo) -> None:
    clerk = demo.users["clerk"]
    assert not any(clerk.has_perm(p) for p in operators.PAGES)


def test_the_group_is_made_once_and_holds_every_page_permission(db) -> None:
    group = operators.operators_group()
    again = operators.operators_group()
    assert group.pk == again.pk
    held = {
        f"{app}.{codename}"
        for app, codename in again.permissions.values_list("content_type__app_label", "codename")
    }
    assert set(operators.PAGES) <= held
    assert "organisations.change_organisation" in held
    assert "organisations.change_position" not in held
    assert not any(name.startswith("memos.") for name in held)
    assert Permission.objects.filter(group=again).count() == len(held)


def test_the_admins_invitations_lead_to_the_onboarding_for_whoever_may_onboard(
    client: Client, demo
) -> None:
    url = reverse("admin:accounts_invitation_changelist")
    client.force_login(demo.users["operator"])
    assert f'href="{reverse("onboarding")}"' in client.get(url).content.decode()
    reader = make_user("reader", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_invitation"))
    client.force_login(reader)
    page = client.get(url)
    assert page.status_code == 200
    assert f'href="{reverse("onboarding")}"' not in page.content.decode()


def test_a_reviewed_oit_checklist_is_corrected_by_the_named_permission_not_staff_alone(
    client: Client, demo
) -> None:
    from measures.models import OitItem

    items = OitItem.objects.filter(year__year=2564)
    items.update(to_review=False)
    item = items.get(number=43)
    url = reverse("measures:oit_items", args=[2564])
    client.force_login(make_user("staffonly", is_staff=True))  # no member, no permission
    assert client.get(url).status_code == 404
    client.force_login(demo.users["operator"])
    form = client.get(url)
    assert form.status_code == 200 and form.context["editable"]
    data = {}
    for name, field in form.context["form"].fields.items():
        value = form.context["form"].initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    data[f"item-{item.pk}-name"] = item.name + " (ปรับชื่อ)"
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.name.endswith("(ปรับชื่อ)")


def test_a_site_without_the_demo_makes_its_operators_from_the_command() -> None:
    import io

    from django.contrib.auth.models import Group
    from django.core.management import CommandError, call_command

    from ita.history.models import Event, EventKind

    alice = make_user("alice")
    make_user("boss", is_superuser=True, is_staff=True)
    assert not Group.objects.filter(name=operators.GROUP_NAME).exists()
    out = io.StringIO()
    call_command("operators", "--add", "alice", "--by", "boss", stdout=out)
    alice.refresh_from_db()
    assert alice.is_staff and alice.has_perm("imports.add_importbatch")
    assert alice.has_perm("measures.change_oititem") and not alice.has_perm("memos.change_memo")
    event = Event.objects.get(action=EventKind.OPERATOR_GRANT)
    assert event.actor.username == "boss" and event.data["username"] == "alice"
    assert "alice" in out.getvalue()
    # Again: nothing new, nothing recorded.
    call_command("operators", "--add", "alice", stdout=io.StringIO())
    assert Event.objects.filter(action=EventKind.OPERATOR_GRANT).count() == 1
    # An unknown name among several changes nothing at all.
    with pytest.raises(CommandError, match="nobody"):
        call_command("operators", "--remove", "alice", "--add", "nobody", stdout=io.StringIO())
    alice = type(alice).objects.get(pk=alice.pk)
    assert alice.is_staff and alice.has_perm("imports.add_importbatch")
    call_command("operators", "--remove", "alice", stdout=io.StringIO())
    alice = type(alice).objects.get(pk=alice.pk)
    assert not alice.is_staff and not alice.has_perm("imports.add_importbatch")
    assert Event.objects.filter(action=EventKind.OPERATOR_REVOKE).count() == 1
    # A deactivated account (someone who left) is never made an operator.
    alice.is_active = False
    alice.save()
    with pytest.raises(CommandError, match="alice"):
        call_command("operators", "--add", "alice", stdout=io.StringIO())
    assert not Group.objects.get(name=operators.GROUP_NAME).user_set.exists()
