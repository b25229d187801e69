"""/favicon.ico is a real icon, and every page points at it."""

from __future__ import annotations

import io

import pytest
from PIL import Image

pytestmark = pytest.mark.django_db


def test_the_favicon_is_served_as_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    icon = Image.open(io.BytesIO(body))
    assert icon.format == "ICO"
    assert (32, 32) in icon.info["sizes"]


def test_pages_link_to_the_icon(client):
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/").content.decode()
