"""The chain set in the admin goes through the service: checked, with a history row."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ita.history.models import Event, EventKind
from memos.models import MemoSettings

pytestmark = pytest.mark.django_db


def _inline_post(client, organisation, chain: list[str]) -> object:
    """The organisation's change form as the admin shows it, with the chain changed."""
    url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    page = client.get(url)
    data: dict[str, object] = {}
    for field in page.context["adminform"].form:
        value = field.value()
        if value is not None and field.name != "emblem":  # a file input posts no value
            data[field.html_name] = value
    for formset in page.context["inline_admin_formsets"]:
        for form in [formset.formset.management_form, *formset.formset.forms]:
            for field in form:
                value = field.value()
                if value is not None:
                    data[field.html_name] = value
    data["memo_settings-TOTAL_FORMS"] = "1"
    data["memo_settings-0-memo_chain"] = json.dumps(chain)
    data["memo_settings-0-organisation"] = organisation.pk
    return client.post(url, data)


def test_the_chain_edited_under_the_organisation_is_recorded(client, demo) -> None:
    client.force_login(demo.users["admin"])
    response = _inline_post(client, demo.home, ["head", "clerk", "mayor"])
    assert response.status_code == 302, getattr(response, "context", None) and [
        f.errors for f in response.context["inline_admin_formsets"][-1].formset.forms
    ]
    assert MemoSettings.objects.get(organisation=demo.home).memo_chain == ["head", "clerk", "mayor"]
    event = Event.objects.get(action=EventKind.MEMO_CHAIN)
    assert event.actor == demo.users["admin"] and event.organisation == demo.home
    assert event.data == {"before": None, "after": ["head", "clerk", "mayor"]}


def test_an_unusable_chain_is_refused_in_the_admin_and_nothing_changes(client, demo) -> None:
    client.force_login(demo.users["admin"])
    response = _inline_post(client, demo.home, ["mayor", "head"])
    assert response.status_code == 200
    assert "นายก" in response.content.decode()  # the reason, naming the mayor's place
    assert not MemoSettings.objects.exists()
    assert not Event.objects.filter(action=EventKind.MEMO_CHAIN).exists()


def test_the_memo_settings_admin_writes_through_the_service(client, demo) -> None:
    client.force_login(demo.users["admin"])
    response = client.post(
        reverse("admin:memos_memosettings_add"),
        {"organisation": demo.other.pk, "memo_chain": json.dumps(["head", "mayor"])},
    )
    assert response.status_code == 302
    assert MemoSettings.objects.get(organisation=demo.other).memo_chain == ["head", "mayor"]
    assert Event.objects.get(action=EventKind.MEMO_CHAIN).organisation == demo.other
