"""The binding form must not tell whether the portal holds an identity number.

A probe recovered a person's full identity number from the masked one shown
in public (first 6 and last 4 characters) in 248 requests, because the form
answered differently when a number + name pair was held.
"""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from accounts import services
from accounts.models import SubjectBinding
from disclosure.models import Subject
from repair.tests import factories as f

pytestmark = pytest.mark.django_db

HELD = "11010119800101103X"
NOT_HELD = "110101198001011144"


@pytest.fixture
def person(db):
    return Subject.objects.create(
        name="陈某某", search_name="陈某某", subject_type="natural_person", identity_number=HELD
    )


def _visible(response) -> str:
    """The page as the user sees it, without the per-request CSRF token and
    with the request's own id (each account sees only its own requests)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r"/bindings/\d+/", "/bindings/N/", page)


def _claim(client, number: str, name: str = "陈某某"):
    return client.post("/accounts/", {"identity_number": number, "person_name": name, "proof": f.upload()}, follow=True)


def test_the_answer_is_the_same_whether_the_portal_holds_the_person_or_not(person, client, time_machine):
    time_machine.move_to("2026-06-01 09:00 +08:00", tick=False)
    client.force_login(f.user("probe-a@example.com"))
    held = _claim(client, HELD)
    client.force_login(f.user("probe-b@example.com"))
    not_held = _claim(client, NOT_HELD)
    assert held.status_code == not_held.status_code == 200
    assert held.redirect_chain == not_held.redirect_chain == [("/accounts/", 302)]
    page_held = _visible(held).replace("110101********103X", "MASKED").replace("probe-a", "probe")
    page_not_held = _visible(not_held).replace("110101********1144", "MASKED").replace("probe-b", "probe")
    assert page_held == page_not_held
    assert "陈某某" in page_held


def test_a_wrong_name_is_filed_like_a_right_one_and_staff_see_that_nobody_matches(person, client):
    user, centre = (
        f.user("probe@example.com"),
        f.user("centre@example.com", staff=True, groups=("credit_centre_reviewer",)),
    )
    client.force_login(user)
    assert _claim(client, HELD, name="陈某").status_code == 200
    binding = SubjectBinding.objects.get()
    assert (binding.status, binding.subject) == ("pending", None)
    assert "陈某某" not in client.get("/accounts/").content.decode()

    client.force_login(centre)
    page = client.get(f"/office/bindings/{binding.pk}/").content.decode()
    assert HELD in page  # staff compare the number with the identity card
    with pytest.raises(services.AccountError, match="no person"):
        services.binding_decide(binding=binding, actor=centre, approve=True)


def test_a_refusal_of_a_claim_names_only_what_the_user_typed(person, mailoutbox, django_capture_on_commit_callbacks):
    user, centre = (
        f.user("probe@example.com"),
        f.user("centre@example.com", staff=True, groups=("credit_centre_reviewer",)),
    )
    binding = services.binding_request_person(user=user, identity_number=HELD, name="陈某", proof=f.upload())
    with django_capture_on_commit_callbacks(execute=True):
        services.binding_decide(binding=binding, actor=centre, approve=False, reason="身份证与申请人不符")
    assert "陈某某" not in mailoutbox[-1].body and "陈某" in mailoutbox[-1].body


@override_settings(BINDING_REQUESTS_PER_DAY=3)
def test_an_account_may_file_only_a_few_requests_a_day(person, client, time_machine):
    time_machine.move_to("2026-06-01 09:00 +08:00")
    probe = f.user("probe@example.com")
    client.force_login(probe)
    numbers = ["110101198001011013", "110101198001011021", "110101198001011048", "110101198001011056"]
    for number in numbers[:3]:
        _claim(client, number)
    refused = _visible(_claim(client, numbers[3]))
    assert "You have sent 3 requests in the last 24 hours" in refused
    assert SubjectBinding.objects.count() == 3

    time_machine.move_to("2026-06-02 09:01 +08:00")
    client.force_login(probe)  # the session ended after 30 idle minutes
    _claim(client, numbers[3])
    assert SubjectBinding.objects.count() == 4
