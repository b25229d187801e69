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


@pytest.fixture(autouse=True)
def default_catalogue(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush the database, data migrations included: put
    the default catalogue and lists back for them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from disclosure.catalogue import install_defaults
    from disclosure.models import Category, CreditList

    install_defaults(Category, CreditList)
