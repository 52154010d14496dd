"""HEAD is answered wherever GET is (RFC 9110 9.3.2): a monitor, a link checker or a proxy that
asks HEAD gets the GET's status and headers, never 405.

Every route of the URL map (``tests.urlmap``: pages added later are walked too) is asked GET and
then HEAD, as a visitor and as a member (the legal officer, who belongs to the demo's office)."""

from __future__ import annotations

import pytest
from django.test import Client

from ita.organisations.models import Province
from memos.models import Memo
from tests.urlmap import all_paths

pytestmark = pytest.mark.django_db


def _paths(demo) -> list[str]:
    memo = Memo.objects.filter(organisation=demo.home).order_by("pk").first()
    ids = [str(demo.home.pk), str(memo.pk if memo else 1)]
    values = {
        "year": ["2564"],
        "province_id": [str(Province.objects.get(name="ตรัง").pk)],
        "kind": ["results"],
        "fmt": ["csv"],
        "result_id": ["00000000-0000-0000-0000-000000000000"],
    }
    return all_paths(values, ids)


@pytest.mark.parametrize("who", ["visitor", "legal"])
def test_every_page_answers_head_as_it_answers_get(demo, tmp_media, who) -> None:
    client = Client()
    if who != "visitor":
        client.force_login(demo.users[who])
    checked = 0
    for path in _paths(demo):
        got = client.get(path)
        if got.status_code == 405:
            continue  # a form's target that takes POST only
        head = client.head(path)
        assert head.status_code == got.status_code, (path, got.status_code, head.status_code)
        assert head.content == b"", path
        if got.status_code == 200:
            assert head["Content-Type"] == got["Content-Type"], path
            checked += 1
    assert checked >= 10  # the walk reached the pages
