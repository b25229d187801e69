"""Registration does not tell whether an address has an account, and nobody can squat an address.

The answer to a registration is the same for a new and a known address; the
known one gets a message instead of a second account. An account is
activated only by someone who controls its inbox AND knows its password, or
who chooses a new password through the inbox; links are confirmed by POST,
so a mail scanner opening them activates nothing.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db
SQUATTER, OWNER = "the squatter's passphrase", "the owner's own passphrase"


@pytest.fixture
def mails(mailoutbox, django_capture_on_commit_callbacks):
    def send(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    send.outbox = mailoutbox
    return send


def page(response) -> str:
    """The page as a person reads it (CSRF tokens differ on every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def register(client, email, password):
    return client.post("/accounts/register/", {"email": email, "password1": password, "password2": password})


def link(body: str, path: str) -> str:
    url = re.search(rf"http\S+{path}\S*", body).group(0)
    return url[url.index(path) :]


def logs_in(client, email, password) -> bool:
    client.logout()
    client.post("/accounts/login/", {"username": email, "password": password})
    return "_auth_user_id" in client.session


def test_registering_a_known_address_answers_like_a_new_one(client, mails):
    get_user_model().objects.create_user("known@example.com", "known@example.com", "pass phrase 1234")
    known = mails(lambda: register(client, "known@example.com", "another long passphrase"))
    new = mails(lambda: register(client, "new@example.com", "another long passphrase"))
    assert known.status_code == new.status_code == 200
    assert page(known).replace("known@example.com", "EMAIL") == page(new).replace("new@example.com", "EMAIL")
    assert get_user_model().objects.filter(email="known@example.com").count() == 1
    to_known = [m for m in mails.outbox if m.to == ["known@example.com"]]
    assert "already has one" in to_known[0].body and "/accounts/password/reset/" in to_known[0].body
    assert logs_in(client, "known@example.com", "pass phrase 1234")  # nothing changed


def test_a_confirmation_link_opened_by_a_mail_scanner_activates_nothing(client, mails):
    mails(lambda: register(client, "owner@example.com", OWNER))
    response = client.get(link(mails.outbox[0].body, "/accounts/verify/"))
    assert response.status_code == 200 and 'type="password"' in response.content.decode()
    assert not get_user_model().objects.get(email="owner@example.com").is_active


def test_the_owner_confirms_with_the_link_and_the_password(client, mails):
    mails(lambda: register(client, "owner@example.com", OWNER))
    response = client.post(link(mails.outbox[0].body, "/accounts/verify/"), {"password": OWNER})
    assert response.status_code == 302
    assert get_user_model().objects.get(email="owner@example.com").is_active
    assert logs_in(client, "owner@example.com", OWNER)


def test_a_squatted_address_is_taken_back_by_its_owner(client, mails):
    mails(lambda: register(client, "owner@example.com", SQUATTER))
    # The owner's own registration changes no password and creates no second account.
    mails(lambda: register(client, "owner@example.com", OWNER))
    assert get_user_model().objects.filter(email="owner@example.com").count() == 1
    assert len(mails.outbox) == 2  # the confirmation link, sent again
    # The link alone does not activate the squatter's account with the squatter's password.
    response = client.post(link(mails.outbox[1].body, "/accounts/verify/"), {"password": OWNER})
    assert response.status_code == 200 and "choose a new password" in response.content.decode()
    assert not logs_in(client, "owner@example.com", SQUATTER)
    # The owner chooses a new password through the inbox: that activates the account.
    mails(lambda: client.post("/accounts/password/reset/", {"email": "owner@example.com"}))
    reset = client.get(link(mails.outbox[2].body, "/accounts/password/reset/"), follow=True)
    client.post(reset.redirect_chain[-1][0], {"new_password1": OWNER, "new_password2": OWNER})
    assert logs_in(client, "owner@example.com", OWNER)
    assert not logs_in(client, "owner@example.com", SQUATTER)


def test_the_confirmation_link_can_be_sent_again(client, mails):
    mails(lambda: register(client, "owner@example.com", OWNER))
    mails(lambda: client.post("/accounts/verify/resend/", {"email": "OWNER@example.com"}))
    assert len(mails.outbox) == 2 and "/accounts/verify/" in mails.outbox[1].body
    # Unknown addresses get the same page and no mail.
    page = mails(lambda: client.post("/accounts/verify/resend/", {"email": "nobody@example.com"}))
    assert page.status_code == 200 and len(mails.outbox) == 2


def test_a_password_reset_answers_alike_for_unknown_addresses(client, mails):
    get_user_model().objects.create_user("known@example.com", "known@example.com", "pass phrase 1234")
    known = mails(lambda: client.post("/accounts/password/reset/", {"email": "known@example.com"}, follow=True))
    unknown = mails(lambda: client.post("/accounts/password/reset/", {"email": "nobody@example.com"}, follow=True))
    assert page(known) == page(unknown)
    assert [m.to for m in mails.outbox] == [["known@example.com"]]


def test_a_logged_in_user_changes_the_password(client):
    user = get_user_model().objects.create_user("a@example.com", "a@example.com", "pass phrase 1234")
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "pass phrase 1234", "new_password1": OWNER, "new_password2": OWNER},
    )
    assert response.status_code == 302
    assert logs_in(client, "a@example.com", OWNER)


def test_one_inbox_gets_at_most_a_few_account_mails_an_hour(client, mails, settings):
    settings.MAILS_PER_ADDRESS_PER_HOUR = 3
    mails(lambda: register(client, "victim@example.com", OWNER))
    for _ in range(10):
        mails(lambda: client.post("/accounts/verify/resend/", {"email": "victim@example.com"}))
        mails(lambda: client.post("/accounts/password/reset/", {"email": "victim@example.com"}))
    assert len(mails.outbox) == 3
