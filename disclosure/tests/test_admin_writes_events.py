"""Every back-office edit that changes what is disclosed goes through the
services and reaches the change feed (期限一致): a record or listing added,
a listing's planned exit changed, a list's or a category's periods changed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from disclosure import feed
from disclosure.models import Category, CreditList, DisclosureEvent, Listing, Record
from disclosure.tests.factories import make_authority, make_listing, make_record, make_subject

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def beijing_today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "x-very-secret-1")
    client.force_login(user)
    return client


def form_data(client, url: str, **changes) -> dict:
    """What the browser would post back: the form's current values, changed."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            value = ""
        elif isinstance(value, bool):
            value = "on" if value else ""
        elif hasattr(field, "prepare_value") and isinstance(value, dict | list):
            value = field.prepare_value(value)
        data[name] = value
    data = {k: v for k, v in data.items() if v != "" or k not in ("repairable", "minor_disclosed", "exit_at_ban_end")}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def feed_items(subject_id: int) -> list[tuple[str, str, str]]:
    page = feed.changes(subject_id=subject_id, limit=100)
    return [(item.kind, item.action, item.reason) for item in page.items]


def test_changing_a_listings_planned_exit_in_the_admin_tells_the_change_feed(admin_client):
    listing = make_listing(entered_on=dt.date(2026, 1, 10))
    url = f"/admin/disclosure/listing/{listing.pk}/change/"
    response = admin_client.post(url, form_data(admin_client, url, planned_exit_on="2026-11-01"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not Listing.objects.disclosed_on(dt.date(2026, 11, 20)).filter(pk=listing.pk).exists()
    event = listing.events.get()
    assert (event.action, event.before["planned_exit_on"]) == ("updated", None)
    assert ("listing", "changed", "") in feed_items(listing.subject_id)


def test_changing_a_listings_reason_in_the_admin_writes_an_event(admin_client):
    listing = make_listing()
    url = f"/admin/disclosure/listing/{listing.pk}/change/"
    admin_client.post(url, form_data(admin_client, url, reason="更正后的列入理由"))
    assert listing.events.get().before["reason"] == "拒不履行法定义务，情节严重。"


def test_adding_a_record_in_the_admin_publishes_it_with_an_event(admin_client):
    subject, authority = make_subject(), make_authority()
    data = {
        "subject": subject.pk,
        "category": Category.objects.get(code="admin_penalty").pk,
        "severity": "general",
        "document_no": "ADMIN-ADDED-1",
        "decided_on": "2026-11-02",
        "authority": authority.pk,
        "summary": "后台补录",
        "extra": "{}",
        "source": "back-office",
        "source_id": "bo-1",
    }
    response = admin_client.post("/admin/disclosure/record/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = Record.objects.get(document_no="ADMIN-ADDED-1")
    assert record.disclosure_until == dt.date(2027, 11, 2)
    assert ("record", "disclosed", "") in feed_items(subject.pk)


def test_adding_a_listing_in_the_admin_publishes_it_with_its_last_day(admin_client):
    subject, authority = make_subject(), make_authority()
    data = {
        "subject": subject.pk,
        "credit_list": CreditList.objects.get(code="severe_dishonesty").pk,
        "entered_on": "2026-11-02",
        "reason": "后台补录",
        "authority": authority.pk,
        "extra": "{}",
        "source": "back-office",
        "source_id": "bo-l-1",
    }
    response = admin_client.post("/admin/disclosure/listing/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    listing = Listing.objects.get(source_id="bo-l-1")
    assert listing.disclosure_until == dt.date(2029, 11, 2)
    assert ("listing", "disclosed", "") in feed_items(subject.pk)


def test_shortening_a_lists_maximum_in_the_admin_needs_a_basis_and_ends_old_listings(admin_client):
    listing = make_listing(credit_list="abnormal_operation", entered_on=dt.date(2025, 1, 10))
    credit_list = listing.credit_list
    url = f"/admin/disclosure/creditlist/{credit_list.pk}/change/"
    refused = admin_client.post(url, form_data(admin_client, url, max_months="12"))
    assert refused.status_code == 200
    assert "max_months_basis" in refused.context["adminform"].form.errors
    response = admin_client.post(url, form_data(admin_client, url, max_months="12", max_months_basis="某规章第五条"))
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.disclosure_until == dt.date(2026, 1, 10)
    assert ("listing", "changed", "") in feed_items(listing.subject_id)


def test_changing_a_categorys_period_in_the_admin_moves_records_and_tells_the_feed(admin_client):
    record = make_record(decided_on=dt.date(2025, 12, 1))
    category = record.category
    url = f"/admin/disclosure/category/{category.pk}/change/"
    response = admin_client.post(url, form_data(admin_client, url, general_max_months="6"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    record.refresh_from_db()
    assert record.disclosure_until == dt.date(2026, 6, 1)
    assert ("record", "changed", "") in feed_items(record.subject_id)


def test_ending_a_record_from_the_admin_list_tells_the_feed_it_was_revoked(admin_client):
    record = make_record(decided_on=dt.date(2026, 6, 1))
    admin_client.post("/admin/disclosure/record/", {"action": "end_as_revoked", "_selected_action": [record.pk]})
    assert ("record", "ended", "revoked") in feed_items(record.subject_id)


def test_an_existing_records_content_cannot_be_edited_in_the_admin(admin_client):
    record = make_record()
    url = f"/admin/disclosure/record/{record.pk}/change/"
    admin_client.post(url, {"document_no": "CHANGED", "summary": "changed"})
    record.refresh_from_db()
    assert record.document_no != "CHANGED"
    assert not DisclosureEvent.objects.filter(record=record).exists()
