"""Webhook ids in URLs: anything but ASCII digits is a JSON 404, never a 500."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from dataservices.keys import api_key_issue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("pk", ["%C2%B3", "%D9%A3", "１", "99999999999999999999999", "-1", "abc"])
def test_removing_a_webhook_by_an_id_that_is_not_a_number_is_not_found(pk):
    _, key = api_key_issue(name="信用服务机构")
    response = APIClient(HTTP_X_API_KEY=key).delete(f"/api/v1/webhooks/{pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
