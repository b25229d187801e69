"""The OpenAPI document states what the code enforces, and the code refuses
what the document forbids (found by schemathesis; see test_openapi_conformance)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/min"}}
    return APIClient()


def _parameters(document, path: str) -> dict[str, dict]:
    return {p["name"]: p["schema"] for p in document["paths"][path]["get"]["parameters"]}


def test_the_schema_states_the_limits_the_code_enforces(api):
    document = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    changes = _parameters(document, "/api/v1/changes/")
    assert (changes["limit"]["minimum"], changes["limit"]["maximum"]) == (1, 1000)
    subjects = _parameters(document, "/api/v1/subjects/")
    assert subjects["q"]["minLength"] == 1
    assert subjects["region"]["pattern"] == "^([0-9]{6})?$"
    assert subjects["page"]["minimum"] == 1 and subjects["page_size"]["minimum"] == 1
    records = _parameters(document, "/api/v1/records/")
    assert records["uscc"]["pattern"] == "^([0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18})?$"
    assert records["page_size"]["minimum"] == 1
    body = document["components"]["schemas"]["CheckRequestRequest"]["properties"]["codes"]
    assert body["items"]["type"] == "string" and body["minItems"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/records/?page_size=null",
        "/api/v1/records/?page_size=0",
        "/api/v1/subjects/?q=x&page_size=null",
        "/api/v1/subjects/?q=x&page=0",
        "/api/v1/subjects/?q=",
        "/api/v1/subjects/?q=x&region=%D9%A3%D9%A3%D9%A3%D9%A3%D9%A3%D9%A3",
        "/api/v1/changes/?limit=",
        "/api/v1/changes/?limit=0",
    ],
)
def test_query_parameters_the_schema_forbids_are_refused(api, url):
    response = api.get(url)
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("codes", [[0], [True], [None], [["91350100MA0000001X"]]])
def test_a_check_of_codes_that_are_not_strings_is_refused(api, codes):
    response = api.post("/api/v1/checks/", {"codes": codes}, format="json")
    assert response.status_code == 400
    assert "codes.0" in response.json()["fields"]


def test_a_page_past_the_end_is_an_empty_page(api):
    response = api.get("/api/v1/subjects/", {"q": "不存在的名称", "page": 7})
    assert response.status_code == 200
    assert response.json()["results"] == []
