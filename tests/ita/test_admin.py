import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

APPS = ("ita", "memos", "measures")


def _our_models() -> list:
    # Every app of ours: ita's apps (organisations, history, imports, …), memos and measures.
    return [m for m in apps.get_models() if m._meta.app_config.name.split(".")[0] in APPS]


def test_every_model_is_in_the_admin() -> None:
    missing = [m._meta.label for m in _our_models() if not admin.site.is_registered(m)]
    assert missing == []


def test_every_model_has_thai_names() -> None:
    from django.utils import translation

    with translation.override("th"):
        for model in _our_models():
            assert not model._meta.verbose_name_plural.isascii(), model._meta.label


def test_every_changelist_loads_with_search_and_filters(client, demo) -> None:
    client.force_login(demo.users["admin"])
    for model in _our_models():
        model_admin = admin.site._registry[model]
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        if model_admin.search_fields:
            assert client.get(url, {"q": "สุโสะ"}).status_code == 200, url
        assert model_admin.list_filter or model_admin.search_fields, model._meta.label


def test_change_pages_load(client, demo) -> None:
    client.force_login(demo.users["admin"])
    for model in _our_models():
        obj = model._default_manager.first()
        if obj is None:
            continue
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        assert client.get(url).status_code == 200, url


def test_staff_without_admin_rights_cannot_open_the_admin(client, demo) -> None:
    client.force_login(demo.users["legal"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
