"""Staff set periods only inside the legal ranges, unless they record the law
or regulation that provides otherwise (国办发〔2025〕22号; NDRC Order 36)."""

from __future__ import annotations

import pytest

from disclosure import services
from disclosure.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def penalties() -> Category:
    return Category.objects.get(code="admin_penalty")


@pytest.mark.parametrize(
    "rules",
    [
        {"general_max_months": 120},
        {"general_min_months": 0},
        {"serious_max_months": 48},
        {"serious_min_months": 6},
        {"minor_max_months": 6},
    ],
)
def test_a_period_outside_its_legal_range_is_refused(penalties, rules):
    with pytest.raises(services.DisclosureError):
        services.category_update_rules(category=penalties, actor="staff", **rules)
    penalties.refresh_from_db()
    assert (penalties.general_max_months, penalties.serious_max_months) == (12, 36)


def test_a_period_inside_the_range_is_accepted(penalties):
    services.category_update_rules(category=penalties, actor="staff", general_max_months=6, serious_min_months=24)
    penalties.refresh_from_db()
    assert (penalties.general_max_months, penalties.serious_min_months) == (6, 24)


def test_a_recorded_legal_basis_allows_another_period_and_the_help_page_shows_it(client, penalties):
    basis = "《某法》第二十条：严重违法行为信息公示期为五年"
    services.category_update_rules(category=penalties, actor="staff", serious_max_months=60, periods_legal_basis=basis)
    page = client.get("/help/periods/").content.decode()
    assert basis in page


def test_minor_stays_at_most_three_months_even_with_a_basis(penalties):
    with pytest.raises(services.DisclosureError):
        services.category_update_rules(category=penalties, actor="staff", minor_max_months=6, periods_legal_basis="x")
