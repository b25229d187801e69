"""Project-wide pytest set-up."""

from __future__ import annotations

import pytest
from django.conf import settings


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (row locks, trigram search, concurrent writers)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)
