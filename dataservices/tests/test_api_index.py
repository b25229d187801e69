"""/api/v1/ answers with the list of its endpoints, not a 404."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_every_endpoint_with_its_methods(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    endpoints = {item["path"]: item for item in body["endpoints"]}
    for path in (
        "/api/v1/subjects/",
        "/api/v1/subjects/{uscc}/",
        "/api/v1/records/",
        "/api/v1/lists/",
        "/api/v1/lists/{code}/entries/",
        "/api/v1/checks/",
        "/api/v1/changes/",
        "/api/v1/webhooks/{id}/",
    ):
        assert path in endpoints, path
        assert endpoints[path]["description"], path
    assert endpoints["/api/v1/checks/"]["methods"] == ["POST"]
    assert endpoints["/api/v1/webhooks/{id}/"]["methods"] == ["DELETE"]
    assert body["schema"].endswith("/api/v1/schema/")
    assert body["documentation"].endswith("/api/docs/")


def test_every_listed_path_is_served(client):
    for item in client.get("/api/v1/").json()["endpoints"]:
        if item["url"] and "GET" in item["methods"]:
            # 400 for a search without a query and 401 without an API key are answers too.
            assert client.get(item["path"]).status_code in (200, 400, 401), item["path"]
