"""Anonymous throttling per client, API keys with quotas; revoked keys refused."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import override_settings
from rest_framework.test import APIClient

from dataservices.keys import api_key_issue, api_key_revoke
from dataservices.models import ApiKey, ApiKeyDailyUsage
from dataservices.tests.helpers import NOON

pytestmark = pytest.mark.django_db

THREE_PER_MINUTE = {
    "REST_FRAMEWORK": {
        "DEFAULT_AUTHENTICATION_CLASSES": ["dataservices.authentication.ApiKeyAuthentication"],
        "DEFAULT_THROTTLE_CLASSES": [
            "dataservices.throttling.ApiKeyQuotaThrottle",
            "dataservices.throttling.AnonymousRateThrottle",
        ],
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min"},
        "NUM_PROXIES": 0,
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
        "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
        "EXCEPTION_HANDLER": "disclosure.api.exception_handler",
    }
}


@override_settings(**THREE_PER_MINUTE)
def test_an_anonymous_client_is_throttled_with_retry_after_and_rate_limit_headers(at_noon):
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    responses = [client.get("/api/v1/lists/") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r["X-RateLimit-Remaining"] for r in responses[:3]] == ["2", "1", "0"]
    assert responses[0]["X-RateLimit-Limit"] == "3"
    assert int(responses[3]["Retry-After"]) > 0
    assert responses[3].json()["code"] == "throttled"
    # Another client is not affected.
    assert APIClient(REMOTE_ADDR="203.0.113.8").get("/api/v1/lists/").status_code == 200


@override_settings(**THREE_PER_MINUTE)
def test_a_key_holder_is_not_held_to_the_anonymous_rate_and_its_use_is_counted(at_noon):
    api_key, key = api_key_issue(name="信用服务机构甲", daily_quota=1000)
    client = APIClient(REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert all(client.get("/api/v1/lists/").status_code == 200 for _ in range(6))
    response = APIClient(HTTP_X_API_KEY=key).get("/api/v1/lists/")
    assert response["X-RateLimit-Limit"] == "1000" and response["X-RateLimit-Remaining"] == "993"
    api_key.refresh_from_db()
    assert api_key.usage_count == 7 and api_key.last_used_at is not None


def test_a_key_over_its_daily_quota_gets_429_until_midnight_in_beijing():
    with time_machine.travel(NOON, tick=False):
        _, key = api_key_issue(name="机构乙", daily_quota=2)
        client = APIClient(HTTP_X_API_KEY=key)
        statuses = [client.get("/api/v1/lists/").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        refused = client.get("/api/v1/lists/")
        assert int(refused["Retry-After"]) == 12 * 3600  # noon to midnight
    with time_machine.travel(NOON.replace(hour=23) + (NOON - NOON.replace(hour=11)), tick=False):
        assert client.get("/api/v1/lists/").status_code == 200
    assert sorted(ApiKeyDailyUsage.objects.values_list("count", flat=True)) == [1, 4]


def test_a_revoked_key_is_refused(at_noon):
    api_key, key = api_key_issue(name="机构丙")
    client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get("/api/v1/lists/").status_code == 200
    api_key_revoke(api_key=api_key)
    response = client.get("/api/v1/lists/")
    assert response.status_code == 401
    assert response.json()["message"] in ("This API key has been revoked.", "此 API 密钥已被吊销。")
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_wrong_key_is_refused_not_treated_as_anonymous(at_noon):
    api_key, key = api_key_issue(name="机构丁")
    forged = key[:-4] + "AAAA"
    assert APIClient(HTTP_X_API_KEY=forged).get("/api/v1/lists/").status_code == 401
    assert APIClient(HTTP_X_API_KEY="cp_nothing.here").get("/api/v1/lists/").status_code == 401


def test_only_a_hash_of_the_key_is_stored(at_noon):
    api_key, key = api_key_issue(name="机构戊")
    stored = ApiKey.objects.filter(pk=api_key.pk).values().get()
    assert key not in str(stored)
    assert key.startswith(f"cp_{api_key.prefix}.")


def test_staff_issue_a_key_in_the_back_office_and_see_it_once(admin_client, at_noon):
    response = admin_client.post(
        "/admin/dataservices/apikey/add/", {"name": "机构己", "contact_email": "", "daily_quota": 500}, follow=True
    )
    assert response.status_code == 200
    [key] = re.findall(r"cp_[0-9a-f]{8}\.[\w-]{43}", response.content.decode())
    assert APIClient(HTTP_X_API_KEY=key).get("/api/v1/lists/").status_code == 200
    api_key = ApiKey.objects.get(name="机构己")
    listing = admin_client.get(f"/admin/dataservices/apikey/{api_key.pk}/change/")
    assert key not in listing.content.decode()
    admin_client.post(
        "/admin/dataservices/apikey/", {"action": "revoke", "_selected_action": [api_key.pk]}, follow=True
    )
    assert APIClient(HTTP_X_API_KEY=key).get("/api/v1/lists/").status_code == 401


def test_a_key_in_the_url_is_refused(at_noon):
    _, key = api_key_issue(name="机构庚")
    response = APIClient().get("/api/v1/lists/", {"api_key": key})
    assert response.status_code == 401


@override_settings(**THREE_PER_MINUTE)
def test_a_forged_forwarded_for_header_does_not_dodge_the_limit(at_noon):
    statuses = [
        APIClient(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").get("/api/v1/lists/").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
