"""The OpenAPI document is valid OpenAPI 3 (openapi-spec-validator), so that
clients generated from it keep every operation."""

from __future__ import annotations

import pytest
import yaml
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_the_served_schema_validates_against_the_openapi_specification(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)  # raises with the first problem found


def test_every_path_parameter_is_in_its_path(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert "{" + parameter["name"] + "}" in path, (method, path, parameter["name"])
    assert "delete" in schema["paths"]["/api/v1/webhooks/{id}/"]
