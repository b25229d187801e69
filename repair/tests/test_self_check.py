"""The self-check: what is repairable now, from when, never, or already applied for."""

from __future__ import annotations

import datetime as dt

from repair import selectors
from repair.selectors import Repairability as R
from repair.tests import factories as f
from repair.tests.conftest import submit


def _states(subject):
    return {
        item.obj.pk if item.record else ("L", item.obj.pk): item
        for item in selectors.subject_repair_check(subject=subject, show_cases=True)
    }


def test_it_classifies_each_disclosed_negative_item(world):
    items = _states(world.subject)
    assert items[world.penalty.pk].state == R.NOW
    assert items[world.recent.pk].state == R.LATER
    assert items[world.recent.pk].repairable_from == dt.date(2027, 1, 2)
    assert items[world.fraud.pk].state == R.NEVER
    assert items[("L", world.severe.pk)].state == R.NOW
    assert items[("L", world.debtor.pk)].state == R.NEVER


def test_items_in_an_open_application_are_marked(world):
    submit(world)
    items = _states(world.subject)
    assert items[world.penalty.pk].state == R.IN_CASE
    assert items[("L", world.severe.pk)].state == R.IN_CASE
    assert items[world.tax_penalty.pk].state == R.NOW


def test_it_leaves_out_positive_and_undisclosed_records(world):
    licence = f.record(world.subject, world.market, category="admin_license", severity="")
    minor = f.record(world.subject, world.market, severity="minor")  # minor: not disclosed by default
    items = _states(world.subject)
    assert licence.pk not in items
    assert minor.pk not in items


def test_the_public_page_says_why_and_from_when(world, client):
    page = client.get(f"/repair/check/{world.subject.uscc}/").content.decode()
    assert world.penalty.document_no in page
    assert "2027-01-02" in page
    assert client.get(f"/repair/check/{f.code(999)}/").status_code == 404


def test_the_apply_form_offers_only_items_repairable_now(world, client):
    client.force_login(world.applicant)
    page = client.get(f"/repair/subjects/{world.subject.uscc}/apply/").content.decode()
    assert f'value="record-{world.penalty.pk}"' in page
    assert f'value="listing-{world.severe.pk}"' in page
    assert f'value="record-{world.recent.pk}"' not in page
    assert f'value="record-{world.fraud.pk}"' not in page
    assert f'value="listing-{world.debtor.pk}"' not in page
