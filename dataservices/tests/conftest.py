from __future__ import annotations

import pytest
import time_machine
from django.core.cache import caches

from dataservices.tests.helpers import NOON


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    # Throttle history lives in the caches, which outlive a test's transaction.
    for alias in ("default", "shared"):
        caches[alias].clear()
    yield
    for alias in ("default", "shared"):
        caches[alias].clear()


@pytest.fixture
def at_noon():
    """2026-11-20 12:00 in Beijing."""
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller
