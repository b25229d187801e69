"""Filing a credit repair application."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from repair import services
from repair.models import Case, CaseEvent, Status
from repair.tests import factories as f
from repair.tests.conftest import submit


def test_it_files_an_application_with_a_tracking_number_and_a_feedback_deadline(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(world)
    assert case.status == Status.SUBMITTED
    assert len(case.tracking_no) == 12
    assert case.authority == world.market
    # Wednesday 2026-11-25 + 10 working days: the result; acceptance in the 7 before.
    assert case.result_due == dt.date(2026, 12, 9)
    assert case.feedback_due == dt.date(2026, 12, 4)
    assert {(i.record_id, i.listing_id) for i in case.items.all()} == {
        (world.penalty.pk, None),
        (None, world.severe.pk),
    }
    assert "张三" in case.commitment_text and world.subject.uscc in case.commitment_text
    event = CaseEvent.objects.get(case=case)
    assert (event.actor, event.old_status, event.new_status) == (world.applicant, "", Status.SUBMITTED)
    assert len(mailoutbox) == 1 and case.tracking_no in mailoutbox[0].body


def test_evidence_is_stored_privately_under_a_name_of_its_real_type(world, private_media):
    case = submit(world, evidence=[f.upload(f.PNG, name="scan.pdf")])
    evidence = case.evidence.get()
    path = Path(evidence.file.path)
    assert path.is_relative_to(private_media)
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
    assert path.suffix == ".png" and evidence.content_type == "image/png"
    assert evidence.original_name == "scan.pdf"


def test_a_double_clicked_submit_files_one_application(world, client):
    client.force_login(world.applicant)
    token = str(uuid.uuid4())
    data = {
        "token": token,
        "items": [f"record-{world.penalty.pk}"],
        "statement": "已整改",
        "commitment_confirmed": "on",
    }
    first = client.post(f"/repair/subjects/{world.subject.uscc}/apply/", {**data, "evidence": f.upload()})
    second = client.post(f"/repair/subjects/{world.subject.uscc}/apply/", {**data, "evidence": f.upload()})
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert first["Location"] == second["Location"] == f"/repair/cases/{case.tracking_no}/"


def test_a_user_not_bound_to_the_subject_cannot_apply(world, client):
    client.force_login(world.stranger)
    response = client.get(f"/repair/subjects/{world.subject.uscc}/apply/", follow=True)
    apply = f"%2Frepair%2Fsubjects%2F{world.subject.uscc}%2Fapply%2F"
    assert response.redirect_chain == [(f"/accounts/?uscc={world.subject.uscc}&next={apply}", 302)]
    assert f'value="{world.subject.uscc}"' in response.content.decode()  # the binding form, filled in
    assert client.post(f"/repair/subjects/{world.subject.uscc}/apply/", {}).status_code == 403
    with pytest.raises(services.RepairError, match="not approved"):
        submit(world, applicant=world.stranger)


def test_a_pending_binding_is_not_enough(world):
    f.bind(world.stranger, world.other_subject, status="pending")
    rec = f.record(world.other_subject, world.market)
    with pytest.raises(services.RepairError, match="not approved"):
        submit(world, applicant=world.stranger, subject=world.other_subject, items=[f"record-{rec.pk}"])


def test_it_refuses_items_whose_minimum_period_is_not_over(world):
    with pytest.raises(services.RepairError, match="2027-01-02"):
        submit(world, items=[f"record-{world.recent.pk}"])


def test_it_refuses_items_the_law_excludes_from_repair(world):
    with pytest.raises(services.RepairError, match="cannot be repaired"):
        submit(world, items=[f"record-{world.fraud.pk}"])
    with pytest.raises(services.RepairError, match="cannot be repaired"):
        submit(world, items=[f"listing-{world.debtor.pk}"])


def test_it_refuses_items_already_in_an_open_application(world):
    submit(world)
    with pytest.raises(services.RepairError, match="open application"):
        submit(world, items=[f"record-{world.penalty.pk}"])


def test_it_refuses_another_subjects_items(world):
    foreign = f.record(world.other_subject, world.market)
    with pytest.raises(services.RepairError, match="not disclosed"):
        submit(world, items=[f"record-{foreign.pk}"])


def test_it_asks_for_one_application_per_deciding_authority(world):
    with pytest.raises(services.RepairError, match="different authorities"):
        submit(world, items=[f"record-{world.penalty.pk}", f"record-{world.tax_penalty.pk}"])


def test_it_requires_the_commitment_a_statement_and_evidence(world):
    with pytest.raises(services.RepairError, match="commitment"):
        submit(world, commitment_confirmed=False)
    with pytest.raises(services.RepairError, match="corrected"):
        submit(world, statement="  ")
    with pytest.raises(services.RepairError, match="evidence"):
        submit(world, evidence=[])
    assert Case.objects.count() == 0


def test_the_form_shows_the_commitment_and_requires_its_confirmation(world, client):
    client.force_login(world.applicant)
    url = f"/repair/subjects/{world.subject.uscc}/apply/"
    page = client.get(url).content.decode()
    assert "信用承诺书" in page and world.subject.name in page
    response = client.post(
        url,
        {"token": str(uuid.uuid4()), "items": [f"record-{world.penalty.pk}"], "statement": "x", "evidence": f.upload()},
    )
    assert response.status_code == 200
    assert Case.objects.count() == 0
