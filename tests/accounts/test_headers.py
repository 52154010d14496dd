"""Every page, walked from the URL map as a visitor, a member and an administrator, carries the
Content-Security-Policy (no inline script or style allowed, none in the page), and every page
served to a logged-in user, or private by nature, says ``no-store``."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from measures.models import Finding, Measure
from memos.models import Memo

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def _walk(patterns, prefix: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _urls(demo) -> list[str]:
    """Each route of the URL map with real ids of the demo (a 404 must carry the headers too)."""
    home = demo.home
    finding = Finding.objects.filter(assessment__organisation=home).first()
    measure = Measure.objects.filter(assessment__organisation=home).first()
    memo = Memo.objects.filter(organisation=home).first()
    by_route = {
        "year": "2564",
        "province_id": str(home.district.province_id),
        "org_id": str(home.pk),
        "kind": "results",
        "fmt": "csv",
        "uidb64": "MQ",
        "token": "set-password",
        "attachment_id": "1",
        "row_id": "1",
        "result_id": "00000000-0000-0000-0000-000000000000",  # a task (ita.ops): none such, 404
        "user_id": "1",  # the organisation's administration (ita.administration)
        "position_id": "1",
        "appointment_id": "1",
        "invitation_id": "1",
    }
    pk_by_prefix = {
        "measures/findings/": finding.pk if finding else 1,
        "measures/evidence/": 1,
        "measures/": measure.pk if measure else 1,
        "memos/organisations/": home.pk,
        "memos/": memo.pk if memo else 1,
        "imports/": 1,
    }
    urls = []
    for route in _walk(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue
        pk = next((v for k, v in pk_by_prefix.items() if route.startswith(k)), home.pk)
        values = {**by_route, "pk": str(pk)}
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, v=values: v[m.group(1)], route)
        urls.append(url)
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model.objects.first()
        if first is not None:
            urls.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            )
    urls += ["/admin/", "/admin/login/", "/admin/password_change/", "/no-such-page/"]
    return urls


@pytest.mark.parametrize("who", [None, "legal", "admin"])
def test_every_page_carries_the_policy_and_no_inline_script(client, demo, who) -> None:
    if who:
        client.force_login(demo.users[who])
    checked = 0
    statuses = []
    for url in _urls(demo):
        response = client.get(url)
        statuses.append(response.status_code)
        policy = response.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy or "default-src 'none'" in policy, url
        assert "unsafe-inline" not in policy.split("script-src", 1)[-1].split(";")[0], url
        if who:
            assert "no-store" in response.get("Cache-Control", ""), url
        if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html))
            assert not HANDLER.search(html), (url, HANDLER.search(html))
            assert not STYLE_ATTRIBUTE.search(html), (url, STYLE_ATTRIBUTE.search(html))
            checked += 1
    assert checked > 20 and statuses.count(200) > 20, statuses


def test_the_policy_allows_no_inline_script_or_style() -> None:
    policy = dict(
        part.strip().split(" ", 1) for part in settings.CONTENT_SECURITY_POLICY.split(";")
    )
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"


def test_public_pages_stay_cacheable_and_the_login_page_is_not_stored(client, demo) -> None:
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    assert "no-store" in client.get("/accounts/login/")["Cache-Control"]
    assert "no-store" in client.get("/admin/login/")["Cache-Control"]
    client.force_login(demo.users["legal"])
    home = client.get("/")
    assert "private" in home["Cache-Control"] and "no-store" in home["Cache-Control"]
