"""A NUL character (%00) in a URL is a bad request, never a server error.

PostgreSQL cannot hold NUL in text: a key with one used to reach the
database and fail there (500) on every URL that takes a subject key.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

URLS = [
    "/subjects/{key}/",
    "/subjects/{key}/report.pdf",
    "/subjects/{key}/feed/",
    "/subjects/{key}/follow/",
    "/repair/check/{key}/",
    "/repair/subjects/{key}/apply/",
    "/repair/subjects/{key}/object/",
    "/repair/cases/{key}/",
    "/api/v1/subjects/{key}/",
    "/api/v1/lists/{key}/entries/",
    "/open-data/files/{key}",
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("key", ["%00", "91350100MA0000001%00", "a%00b"])
def test_a_nul_character_in_a_key_is_a_bad_request(client, url, key):
    user = get_user_model().objects.create_user("nul@example.com", "nul@example.com", "correct horse battery")
    client.force_login(user)
    assert client.get(url.format(key=key)).status_code == 400


def test_a_nul_character_in_the_query_string_is_a_bad_request(client):
    assert client.get("/search/?q=%00abc").status_code == 400
