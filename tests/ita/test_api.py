"""The read-only JSON API: pagination, filters, 400s that name the parameter, and its schema."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from ita.api import params as api
from ita.organisations.models import Organisation, Province
from ita.results.models import Assessment, IndicatorScore

pytestmark = pytest.mark.django_db


def _get(client: Client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_lists_are_paginated_with_links(demo, client: Client) -> None:
    first = _get(client, "/api/v1/assessments?year=2564&limit=50")
    assert first["count"] == 85 and len(first["results"]) == 50 and first["previous"] is None
    second = _get(client, first["next"].replace("http://testserver", ""))
    assert len(second["results"]) == 35 and second["next"] is None
    assert second["previous"].endswith("offset=0") or "offset=0" in second["previous"]
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert ids == sorted(ids) and len(set(ids)) == 85
    assert _get(client, "/api/v1/assessments?offset=500")["results"] == []


def test_the_default_and_largest_page_sizes(demo, client: Client) -> None:
    assert _get(client, "/api/v1/organisations")["limit"] == api.DEFAULT_LIMIT
    assert len(_get(client, "/api/v1/assessments?limit=1000")["results"]) == 170
    body = _get(client, "/api/v1/assessments?limit=1001", 400)
    assert body["parameter"] == "limit" and "1000" in body["detail"]


def test_an_assessment_carries_its_published_and_computed_totals(demo, client: Client) -> None:
    body = _get(client, f"/api/v1/assessments?organisation={demo.home.pk}&year=2564")
    (row,) = body["results"]
    assert row["total"] == 93.26 and row["computed_total"] == 93.26
    assert row["level"] == "A" and row["passed"] is True and row["change"] == 26.19
    assert row["organisation"] == {"id": demo.home.pk, "name": "องค์การบริหารส่วนตำบลสุโสะ"}
    assert row["district"]["name"] == "ปะเหลียน" and row["province"]["name"] == "ตรัง"
    assert row["published_row"] == 50 and row["derived"] is False
    other = _get(client, f"/api/v1/assessments?organisation={demo.home.pk}&year=2563")
    assert other["results"][0]["computed_total"] is None and other["results"][0]["derived"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2564", lambda: Assessment.objects.filter(year__year=2564)),
        ("year=2564&passed=true", lambda: Assessment.objects.filter(year__year=2564, passed=True)),
        ("passed=no", lambda: Assessment.objects.filter(passed=False)),
        ("level=AA", lambda: Assessment.objects.filter(level="AA")),
        (
            "kind=sdm&year=2563",
            lambda: Assessment.objects.filter(organisation__kind="sdm", year__year=2563),
        ),
        (
            "district={district}",
            lambda: Assessment.objects.filter(organisation__district__name="ปะเหลียน"),
        ),
        ("province={province}", lambda: Assessment.objects.all()),
        ("province=99999", lambda: Assessment.objects.none()),
    ],
)
def test_assessment_filters_select_what_they_say(
    demo, client: Client, query: str, expected
) -> None:
    palian = Organisation.objects.filter(district__name="ปะเหลียน").first().district_id
    province = Province.objects.get(name="ตรัง").pk
    url = "/api/v1/assessments?limit=1000&" + query.format(district=palian, province=province)
    body = _get(client, url)
    assert body["count"] == expected().count() > -1
    assert {r["id"] for r in body["results"]} == set(expected().values_list("pk", flat=True))


def test_organisations_filter_by_their_results_without_duplicates(demo, client: Client) -> None:
    body = _get(client, "/api/v1/organisations?passed=true&limit=1000")
    ids = [r["id"] for r in body["results"]]
    # Passed in 2564 or in 2563, each organisation once.
    expected = set(Assessment.objects.filter(passed=True).values_list("organisation", flat=True))
    assert len(ids) == len(set(ids)) == len(expected) and set(ids) == expected
    assert _get(client, "/api/v1/organisations?q=สุโสะ")["results"][0]["kind_short"] == "อบต."
    assert _get(client, "/api/v1/organisations?year=2570")["count"] == 0


def test_an_empty_search_is_no_filter(demo, client: Client) -> None:
    everyone = _get(client, "/api/v1/organisations?limit=1000")
    assert _get(client, "/api/v1/organisations?limit=1000&q=") == everyone
    assert _get(client, "/api/v1/organisations?limit=1000&q=%20%20")["count"] == everyone["count"]


def test_a_level_no_rating_scheme_has_is_a_400_naming_level(demo, client: Client) -> None:
    for url in ["/api/v1/assessments?level=Z", "/api/v1/organisations?level=Z"]:
        body = _get(client, url, 400)
        assert body["parameter"] == "level" and "Z" in body["detail"]
    assert _get(client, "/api/v1/assessments?level=AA&year=2564")["count"] >= 0
    body = _get(client, "/api/v1/scores?level=A&year=2570", 400)
    assert body["parameter"] == "level" and "2570" in body["detail"]


def test_scores_filter_by_indicator_and_tool(demo, client: Client) -> None:
    body = _get(client, "/api/v1/scores?indicator=4")
    assert [(r["indicator"], r["score"], r["tool"]) for r in body["results"]] == [(4, 83.85, "IIT")]
    assert _get(client, "/api/v1/scores?tool=EIT&year=2564")["count"] == 3
    assert _get(client, "/api/v1/scores?passed=false")["count"] == 0
    assert _get(client, "/api/v1/scores")["count"] == IndicatorScore.objects.count() == 10


def test_years_carry_their_method(demo, client: Client) -> None:
    body = _get(client, "/api/v1/years/2564")
    assert body["pass_mark"] == 85.0 and len(body["indicators"]) == 10
    assert body["indicators"][8] == {
        "number": 9,
        "name": "การเปิดเผยข้อมูล",
        "tool": "OIT",
        "weight": 0.2,
    }
    assert [lv["level"] for lv in body["levels"]] == ["AA", "A", "B", "C", "D", "E", "F"]
    assert [y["year"] for y in _get(client, "/api/v1/years")["results"]] == [2563, 2564]


BAD_VALUES = {
    "limit": ["0", "abc", "1001"],
    "offset": ["-1", "x", "99999999999999999999"],
    "year": ["25x4", "1999", "9999"],
    "province": ["0", "ตรัง", "99999999999999999999"],
    "district": ["-5", "1.5", "9223372036854775808"],
    "kind": ["village"],
    "level": ["x" * 41, "Z", ""],
    "passed": ["maybe", ""],
    "organisation": ["abc", "1e3"],
    "indicator": ["0", "100"],
    "tool": ["XIT"],
    "q": ["x" * 101],
}


def test_every_parameter_has_bad_values_to_test() -> None:
    assert set(BAD_VALUES) == {n for e in api.ENDPOINTS for n in e.params}


@pytest.mark.parametrize(
    ("endpoint", "name", "value"),
    [(e.name, n, v) for e in api.ENDPOINTS for n in e.params for v in BAD_VALUES[n]],
)
def test_a_bad_value_is_a_400_naming_the_parameter(
    db,
    client: Client,
    endpoint: str,
    name: str,
    value: str,
) -> None:
    url = api.API_PREFIX + api.ENDPOINT[endpoint].path
    response = client.get(url, {name: value})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_parameter" and body["parameter"] == name
    assert name in body["detail"]


@pytest.mark.parametrize("endpoint", [e for e in api.ENDPOINTS if not e.path_params])
def test_an_unknown_or_repeated_parameter_is_a_400(
    db, client: Client, endpoint: api.Endpoint
) -> None:
    url = api.API_PREFIX + endpoint.path
    body = _get(client, url + "?page_size=5", 400)
    assert body == {
        "error": "unknown_parameter",
        "parameter": "page_size",
        "detail": body["detail"],
    }
    if endpoint.params:
        name = endpoint.params[0]
        example = api.example(name)
        body = _get(client, f"{url}?{name}={example}&{name}={example}", 400)
        assert body["parameter"] == name


def test_detail_404s_and_other_methods_answer_in_json(demo, client: Client) -> None:
    assert _get(client, "/api/v1/organisations/999999", 404)["error"] == "not_found"
    assert _get(client, "/api/v1/years/2600", 404)["error"] == "not_found"
    response = client.post("/api/v1/assessments")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD"


# --- The OpenAPI document matches the views --------------------------------------------------


def _api_routes() -> set[str]:
    """Every URL pattern under /api/v1/, in OpenAPI's {name} notation."""
    routes = set()

    def walk(patterns: list, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLPattern):
                if route.startswith("api/v1/"):
                    for conv in ("int", "str", "slug"):
                        route = route.replace(f"<{conv}:", "{")
                    routes.add("/" + route.replace(">", "}"))
            else:
                walk(p.url_patterns, route)

    walk(get_resolver().url_patterns, "")
    return routes


def test_every_view_is_documented_and_every_documented_path_exists(client: Client, db) -> None:
    schema = _get(client, "/api/v1/openapi.json")
    documented = {p.rstrip("/") or p for p in schema["paths"]}
    routes = {r.rstrip("/") for r in _api_routes()}
    assert routes == documented
    assert schema["openapi"].startswith("3.")


def test_every_documented_parameter_is_accepted(demo, client: Client) -> None:
    schema = _get(client, "/api/v1/openapi.json")
    path_values = {"pk": demo.home.pk, "year": 2564}
    for path, item in schema["paths"].items():
        operation = item["get"]
        url = path
        for p in operation["parameters"]:
            if p["in"] == "path":
                url = url.replace("{" + p["name"] + "}", str(path_values[p["name"]]))
        for p in operation["parameters"]:
            if p["in"] == "query":
                _get(client, f"{url}?{p['name']}={p['example']}")
        # All query parameters at once, too.
        query = "&".join(
            f"{p['name']}={p['example']}" for p in operation["parameters"] if p["in"] == "query"
        )
        _get(client, f"{url}?{query}")


def test_responses_have_exactly_the_documented_fields(demo, client: Client) -> None:
    schema = _get(client, "/api/v1/openapi.json")
    components = schema["components"]["schemas"]
    for e in api.ENDPOINTS:
        if e.name == "openapi":
            continue
        url = api.API_PREFIX + e.path.replace("{pk}", str(demo.home.pk)).replace("{year}", "2564")
        body = _get(client, url)
        if e.many:
            page = components[f"{e.schema}Page"]
            assert set(body) == set(page["properties"])
            assert body["results"], e.name
            items = body["results"]
        else:
            items = [body]
        for item in items:
            assert set(item) == set(components[e.schema]["properties"]), e.name
    error = _get(client, "/api/v1/scores?tool=x", 400)
    assert set(error) == set(components["Error"]["properties"])


@pytest.mark.parametrize(
    "query",
    [
        f"offset={api.MAX_OFFSET}",
        f"province={api.MAX_ID}",
        f"district={api.MAX_ID}",
        f"organisation={api.MAX_ID}",
    ],
)
def test_the_largest_accepted_numbers_give_an_empty_page_not_an_error(
    demo,
    client: Client,
    query: str,
) -> None:
    for endpoint in ("assessments", "scores", "organisations"):
        if endpoint == "organisations" and query.startswith("organisation="):
            continue  # not a filter of that endpoint
        assert _get(client, f"/api/v1/{endpoint}?{query}")["results"] == []


# --- HTTP rules around ninja's routes ----------------------------------------------------------


def test_head_answers_like_get_without_a_body(demo, client: Client) -> None:
    for url in ["/api/v1/", "/api/v1/years/2564", "/api/v1/assessments?year=2564"]:
        response = client.head(url)
        assert response.status_code == 200 and response.content == b"", url
        assert response["Content-Type"] == "application/json"
        assert response["Access-Control-Allow-Origin"] == "*"


def test_other_methods_get_a_json_405_on_every_route(demo) -> None:
    # A client that sends no CSRF token, as any API client: the answer is 405, not 403.
    client = Client(enforce_csrf_checks=True)
    for url in [f"/api/v1/organisations/{demo.home.pk}", "/api/v1/", "/api/v1/openapi.json"]:
        for send in (client.post, client.put, client.patch, client.delete):
            response = send(url)
            assert response.status_code == 405, (url, send)
            assert response["Allow"] == "GET, HEAD"
            assert response.json()["error"] == "method_not_allowed"


def test_errors_may_be_read_from_any_origin_too(db, client: Client) -> None:
    for url in ["/api/v1/scores?tool=x", "/api/v1/scores?x=1", "/api/v1/years/2600"]:
        assert client.get(url)["Access-Control-Allow-Origin"] == "*", url
    assert client.post("/api/v1/scores")["Access-Control-Allow-Origin"] == "*"


def test_a_path_value_that_is_not_a_whole_number_is_a_400_naming_it(db, client: Client) -> None:
    body = _get(client, "/api/v1/organisations/abc", 400)
    assert body["error"] == "invalid_parameter" and body["parameter"] == "pk"
    assert "abc" in body["detail"]
    assert _get(client, "/api/v1/years/25x4", 400)["parameter"] == "year"
    # A whole number no row has is missing, however large or negative.
    for url in ["/api/v1/organisations/-1", f"/api/v1/organisations/{api.MAX_ID * 10}"]:
        assert _get(client, url, 404)["error"] == "not_found"


def test_a_detail_takes_no_query_parameter(demo, client: Client) -> None:
    body = _get(client, f"/api/v1/organisations/{demo.home.pk}?limit=5", 400)
    assert body["error"] == "unknown_parameter" and body["parameter"] == "limit"


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("limit=1001", "พารามิเตอร์ “limit” ไม่ถูกต้อง (1001): ต้องไม่เกิน 1000"),
        ("offset=-1", "พารามิเตอร์ “offset” ไม่ถูกต้อง (-1): ต้องไม่น้อยกว่า 0"),
        ("year=25x4", "พารามิเตอร์ “year” ไม่ถูกต้อง (25x4): ไม่ใช่จำนวนเต็ม"),
        ("tool=XIT", "พารามิเตอร์ “tool” ไม่ถูกต้อง (XIT): ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: IIT, EIT, OIT"),
        ("level=", "พารามิเตอร์ “level” ไม่ถูกต้อง (): ต้องไม่เว้นว่าง"),
        ("level=" + "x" * 41, f"พารามิเตอร์ “level” ไม่ถูกต้อง ({'x' * 41}): ยาวได้ไม่เกิน 40 ตัวอักษร"),
        ("level=A%00", "พารามิเตอร์ “level” ไม่ถูกต้อง (A\x00): ห้ามมีอักขระ NUL"),
    ],
)
def test_the_reason_a_value_is_refused_is_in_thai(
    db, client: Client, query: str, detail: str
) -> None:
    assert _get(client, f"/api/v1/scores?{query}", 400)["detail"] == detail


def test_the_document_lists_get_only_and_no_parameter_models(db, client: Client) -> None:
    schema = _get(client, "/api/v1/openapi.json")
    assert all(set(item) == {"get"} for item in schema["paths"].values())
    assert not [n for n in schema["components"]["schemas"] if n.endswith(("Query", "Path"))]
    assert schema["servers"] == [{"url": "http://testserver/"}]


def test_whole_numbers_may_be_typed_in_thai_digits(demo, client: Client) -> None:
    arabic = _get(client, "/api/v1/assessments?year=2564&limit=5")
    thai = _get(client, "/api/v1/assessments?year=๒๕๖๔&limit=๕")
    assert thai["count"] == arabic["count"] == 85
    assert [r["id"] for r in thai["results"]] == [r["id"] for r in arabic["results"]]
    assert _get(client, f"/api/v1/organisations/{demo.home.pk}")["id"] == demo.home.pk
