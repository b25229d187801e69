"""Approving a repair ends disclosure at once, in the decision's transaction."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import Resolver404, resolve

from disclosure import periods
from disclosure.models import DisclosureEvent, Listing, Record
from repair import services
from repair.models import Case, Status


def _approve(world, case, **kwargs):
    return services.case_transition(case=case, to=Status.REPAIRED, actor=world.market_reviewer, **kwargs)


def test_approval_ends_disclosure_exits_the_list_and_publishes_the_commitment(
    world, accepted, mailoutbox, django_capture_on_commit_callbacks
):
    today = periods.today()
    assert Record.objects.disclosed_on(today).filter(pk=world.penalty.pk).exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = _approve(world, accepted)
    assert callbacks, "the e-mail is sent after commit"
    assert not Record.objects.disclosed_on(today).filter(pk=world.penalty.pk).exists()
    assert not Listing.objects.disclosed_on(today).filter(pk=world.severe.pk).exists()
    world.penalty.refresh_from_db()
    world.severe.refresh_from_db()
    assert (world.penalty.end_reason, world.severe.exit_reason) == ("repaired", "repaired")
    # Other records of the subject are untouched.
    assert Record.objects.disclosed_on(today).filter(pk=world.tax_penalty.pk).exists()
    commitment = case.commitment_record
    assert commitment.category.code == "credit_commitment"
    assert commitment.summary == case.commitment_text
    assert Record.objects.disclosed_on(today).filter(pk=commitment.pk).exists()
    ended = DisclosureEvent.objects.filter(action="ended", reason="repaired", actor="market@example.com")
    assert {(e.record_id, e.listing_id) for e in ended} == {(world.penalty.pk, None), (None, world.severe.pk)}
    assert DisclosureEvent.objects.filter(record=commitment, action="created").exists()
    assert "approved" in mailoutbox[-1].body or case.tracking_no in mailoutbox[-1].body


def test_if_ending_disclosure_fails_the_decision_is_not_saved(world, accepted, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "commitment_record_create", broken)
    with pytest.raises(RuntimeError):
        _approve(world, accepted)
    assert Case.objects.get(pk=accepted.pk).status == Status.ACCEPTED
    assert Record.objects.disclosed_on(periods.today()).filter(pk=world.penalty.pk).exists()
    assert Listing.objects.disclosed_on(periods.today()).filter(pk=world.severe.pk).exists()


def _exists(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def test_the_public_pages_stop_showing_the_repaired_record_on_the_next_request(world, accepted, client):
    if not _exists(f"/subjects/{world.subject.uscc}/"):
        pytest.skip("the public subject page is not part of this build")
    before = client.get(f"/subjects/{world.subject.uscc}/").content.decode()
    assert world.penalty.document_no in before
    assert client.get(f"/records/{world.penalty.pk}/").status_code == 200
    _approve(world, accepted)
    after = client.get(f"/subjects/{world.subject.uscc}/").content.decode()
    assert world.penalty.document_no not in after
    assert world.tax_penalty.document_no in after
    assert client.get(f"/records/{world.penalty.pk}/").status_code == 410
    assert world.subject.name not in client.get("/lists/severe_dishonesty/").content.decode()


def test_the_api_stops_showing_the_repaired_record_on_the_next_request(world, accepted, client):
    if not _exists(f"/api/v1/subjects/{world.subject.uscc}/"):
        pytest.skip("the public API is not part of this build")
    url = f"/api/v1/subjects/{world.subject.uscc}/"
    assert world.penalty.document_no in client.get(url).content.decode()
    _approve(world, accepted)
    body = client.get(url).content.decode()
    assert world.penalty.document_no not in body
    assert world.tax_penalty.document_no in body
    records = client.get(f"/api/v1/records/?uscc={world.subject.uscc}").content.decode()
    assert world.penalty.document_no not in records
    entries = client.get("/api/v1/lists/severe_dishonesty/entries/").content.decode()
    assert world.subject.uscc not in entries


def test_the_credit_report_and_the_bulk_check_reflect_the_repair_at_once(world, accepted, client):
    if not _exists(f"/subjects/{world.subject.uscc}/report.pdf") or not _exists("/api/v1/checks/"):
        pytest.skip("credit reports or the bulk check are not part of this build")
    pypdf = pytest.importorskip("pypdf")

    def report_text():
        body = client.get(f"/subjects/{world.subject.uscc}/report.pdf").content
        text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
        # A long document number wraps in its table cell.
        return text.replace("\x00", "").replace("\n", "")

    def lists_in_check():
        body = client.post("/api/v1/checks/", {"codes": [world.subject.uscc]}, content_type="application/json")
        return json.dumps(body.json(), ensure_ascii=False)

    assert world.penalty.document_no in report_text()
    assert "severe_dishonesty" in lists_in_check()
    _approve(world, accepted)
    text = report_text()
    assert world.penalty.document_no not in text and world.tax_penalty.document_no in text
    assert "severe_dishonesty" not in lists_in_check()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_change_feed_publishes_the_repair_for_credit_service_agencies(world, client):
    # Transactional: on PostgreSQL the feed serves only committed transactions.
    if not _exists("/api/v1/changes/"):
        pytest.skip("the change feed is not part of this build")
    case = services.case_transition(
        case=_accepted_case(world), to=Status.REPAIRED, actor=world.market_reviewer, note="同意修复"
    )
    changes, cursor = [], ""
    for _ in range(50):
        page = client.get("/api/v1/changes/", {"cursor": cursor} if cursor else {}).json()
        changes += page["results"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    ended = {(c["type"], c["object_id"]) for c in changes if c["action"] == "ended" and c["reason"] == "repaired"}
    assert ("record", world.penalty.pk) in ended and ("listing", world.severe.pk) in ended
    assert all(not c["disclosed"] for c in changes if (c["type"], c["object_id"]) in ended)
    assert any(c["type"] == "record" and c["object_id"] == case.commitment_record_id for c in changes)


def _accepted_case(world):
    from repair.tests.conftest import submit

    return services.case_transition(case=submit(world), to=Status.ACCEPTED, actor=world.centre)
