"""Asking to act for a subject, and staff approving or refusing it."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts import services
from accounts.models import SubjectBinding
from disclosure import periods
from repair.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        "boss": f.user("boss@example.com"),
        "centre": f.user("centre@example.com", staff=True, groups=("credit_centre_reviewer",)),
        "market": f.user("market@example.com", staff=True, groups=("authority_reviewer",)),
        "subject": f.subject(1),
    }


def test_a_user_asks_with_proof_and_staff_approve(people, client, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(people["boss"])
    response = client.post(
        "/accounts/", {"uscc": people["subject"].uscc.lower(), "proof": f.upload(f.PNG, "licence.png")}
    )
    assert response.status_code == 302
    binding = SubjectBinding.objects.get()
    assert (binding.status, binding.proof_type) == ("pending", "image/png")
    assert client.get(f"/repair/subjects/{people['subject'].uscc}/apply/")["Location"].startswith("/accounts/")

    client.force_login(people["centre"])
    assert people["boss"].email in client.get("/office/bindings/").content.decode()
    assert client.get(f"/accounts/bindings/{binding.pk}/proof/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/office/bindings/{binding.pk}/decide/", {"decision": "approve"})
    binding.refresh_from_db()
    assert (binding.status, binding.decided_by) == ("approved", people["centre"])
    assert binding.decided_at is not None
    assert mailoutbox[-1].to == ["boss@example.com"]

    client.force_login(people["boss"])
    assert client.get(f"/repair/subjects/{people['subject'].uscc}/apply/").status_code == 200


def test_a_refusal_needs_a_reason_and_the_user_may_ask_again(people):
    binding = f.bind(people["boss"], people["subject"], status="pending")
    with pytest.raises(services.AccountError, match="reason"):
        services.binding_decide(binding=binding, actor=people["centre"], approve=False)
    services.binding_decide(binding=binding, actor=people["centre"], approve=False, reason="营业执照不清晰")
    again = services.binding_request(user=people["boss"], subject=people["subject"], proof=f.upload())
    assert again.status == "pending"


def test_a_request_is_decided_once(people):
    binding = f.bind(people["boss"], people["subject"], status="pending")
    services.binding_decide(binding=binding, actor=people["centre"], approve=True)
    with pytest.raises(services.AccountError, match="already"):
        services.binding_decide(binding=binding, actor=people["centre"], approve=False, reason="x")


def test_nobody_approves_their_own_request(people):
    binding = f.bind(people["centre"], people["subject"], status="pending")
    with pytest.raises(services.AccountError, match="own request"):
        services.binding_decide(binding=binding, actor=people["centre"], approve=True)


def test_proof_is_checked_by_content_and_kept_private(people, client):
    client.force_login(people["boss"])
    response = client.post("/accounts/", {"uscc": people["subject"].uscc, "proof": f.upload(f.MZ, "licence.pdf")})
    assert response.status_code == 200
    assert "not a PDF, JPEG or PNG" in response.content.decode()
    binding = f.bind(people["boss"], people["subject"], status="pending")
    client.force_login(people["market"])  # staff, but not a binding reviewer
    assert client.get(f"/accounts/bindings/{binding.pk}/proof/").status_code == 403
    assert client.get("/office/bindings/").status_code == 403


def test_an_invalid_or_unknown_code_is_explained(people, client):
    client.force_login(people["boss"])
    bad = client.post("/accounts/", {"uscc": "91350100MA0000000X", "proof": f.upload()}).content.decode()
    assert "not a valid" in bad or "不是有效" in bad
    unknown = client.post("/accounts/", {"uscc": f.code(55), "proof": f.upload()}).content.decode()
    assert "No subject" in unknown or "未登记" in unknown
    assert SubjectBinding.objects.count() == 0


def test_a_natural_person_binds_to_their_own_data_by_identity_number_and_name(people, client):
    from disclosure.models import Subject

    person = Subject.objects.create(
        name="陈某某", search_name="陈某某", subject_type="natural_person", identity_number="11010119800101103X"
    )
    client.force_login(people["boss"])
    bad_number = {"identity_number": "110101198001011031", "person_name": "陈某某", "proof": f.upload()}
    assert "not a valid identity number" in client.post("/accounts/", bad_number).content.decode()
    both = {"uscc": people["subject"].uscc, "identity_number": "11010119800101103X", "proof": f.upload()}
    assert "either" in client.post("/accounts/", both).content.decode()
    assert SubjectBinding.objects.count() == 0
    right = {"identity_number": "11010119800101103x", "person_name": "陈某某", "proof": f.upload(f.JPEG, "id.jpg")}
    assert client.post("/accounts/", right).status_code == 302
    binding = SubjectBinding.objects.get()
    assert (binding.subject, binding.claimed_identity_number) == (person, "11010119800101103X")
    page = client.get("/accounts/").content.decode()
    assert "110101********103X" in page and "11010119800101103X" not in page

    services.binding_decide(binding=binding, actor=people["centre"], approve=True)
    client.force_login(people["boss"])
    # Nothing disclosed about the person: no page confirms them, even to
    # their own bound account (DESIGN.md, natural persons).
    assert client.get(f"/repair/subjects/{person.key}/apply/").status_code == 404
    f.record(person, f.authority(), decided_on=periods.today() - dt.timedelta(days=30))
    assert client.get(f"/repair/subjects/{person.key}/apply/").status_code == 200
