"""The OpenAPI document and the docs page, served from this server alone."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_has_every_operation_of_the_public_contract(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].endswith("json") else None
    text = response.content.decode()
    for path in (
        "/api/v1/subjects/",
        "/api/v1/subjects/{uscc}/",
        "/api/v1/records/",
        "/api/v1/lists/",
        "/api/v1/lists/{code}/entries/",
        "/api/v1/checks/",
        "/api/v1/changes/",
    ):
        assert path in (schema["paths"] if schema else text)
    assert "exactly once" in text.lower()  # the feed's semantics are documented
    assert "ApiKeyAuth" in text


def test_the_docs_page_loads_its_scripts_from_this_server(client):
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'<script src="([^"]+)"', page) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert any("swagger-ui-bundle.js" in a for a in assets)
    assert all(a.startswith("/static/") for a in assets)


def test_the_docs_page_is_a_portal_page_with_language_landmark_and_heading(client):
    page = client.get("/api/docs/").content.decode()
    assert '<html lang="zh-Hans">' in page
    assert '<main id="main"' in page
    assert "<h1>API 文档</h1>" in page
    assert 'id="swagger-ui"' in page
