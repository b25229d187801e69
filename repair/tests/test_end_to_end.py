"""The whole story in the browser (no JavaScript): register, bind, apply, accept, repair."""

from __future__ import annotations

import re
import uuid

from disclosure import periods
from disclosure.models import Listing, Record
from repair.models import Case, Status
from repair.tests import factories as f


def test_a_new_enterprise_user_gets_a_record_repaired(world, client, mailoutbox, django_capture_on_commit_callbacks):
    password = "a long enough passphrase"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/register/", {"email": "new@example.com", "password1": password, "password2": password})
    link = re.search(r"/accounts/verify/\S+/", mailoutbox[-1].body).group(0)
    # Confirming takes the link and the password, and logs in.
    assert client.post(link, {"password": password}).status_code == 302
    assert "_auth_user_id" in client.session
    client.post("/accounts/", {"uscc": world.subject.uscc, "proof": f.upload()})

    staff = client_for(world.centre)
    binding_id = re.search(r"/office/bindings/(\d+)/", staff.get("/office/bindings/").content.decode()).group(1)
    staff.post(f"/office/bindings/{binding_id}/decide/", {"decision": "approve"})

    check = client.get(f"/repair/check/{world.subject.uscc}/").content.decode()
    assert f"/repair/subjects/{world.subject.uscc}/apply/" in check
    form = client.get(f"/repair/subjects/{world.subject.uscc}/apply/").content.decode()
    token = re.search(r'name="token" value="([0-9a-f-]+)"', form).group(1)
    uuid.UUID(token)
    response = client.post(
        f"/repair/subjects/{world.subject.uscc}/apply/",
        {
            "token": token,
            "items": [f"record-{world.penalty.pk}", f"listing-{world.severe.pk}"],
            "statement": "罚款已于2026年3月缴清，违法行为已整改。",
            "evidence": f.upload(),
            "commitment_confirmed": "on",
        },
    )
    case = Case.objects.get()
    assert response["Location"] == f"/repair/cases/{case.tracking_no}/"
    assert case.tracking_no in client.get(response["Location"]).content.decode()

    staff.post(f"/office/cases/{case.pk}/transition/", {"to": "accepted", "note": ""})
    decider = client_for(world.market_reviewer)
    page = decider.get(f"/office/cases/{case.pk}/").content.decode()
    assert f"/repair/evidence/{case.evidence.get().pk}/" in page and "信用承诺书" in page
    with django_capture_on_commit_callbacks(execute=True):
        decider.post(f"/office/cases/{case.pk}/transition/", {"to": "repaired", "note": "同意修复"})
    case.refresh_from_db()
    assert case.status == Status.REPAIRED
    assert not Record.objects.disclosed_on(periods.today()).filter(pk=world.penalty.pk).exists()
    assert not Listing.objects.disclosed_on(periods.today()).filter(pk=world.severe.pk).exists()
    assert mailoutbox[-1].to == ["new@example.com"]
    history = client.get(f"/repair/cases/{case.tracking_no}/").content.decode()
    assert "同意修复" in history


def client_for(user):
    from django.test import Client

    staff = Client()
    staff.force_login(user)
    return staff
