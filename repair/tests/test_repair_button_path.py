"""From the repair button on a subject page to the application, with no dead
end: log in (or register), ask to act for the subject, then apply with the
item already ticked."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from accounts import services as account_services
from accounts.models import SubjectBinding
from repair.tests import factories as f


def test_an_unbound_visitor_goes_from_the_button_through_login_and_binding_to_the_application(world, client):
    button = f"/repair/subjects/{world.subject.uscc}/apply/?item=record-{world.penalty.pk}"
    assert f'href="{button}"' in client.get(f"/subjects/{world.subject.uscc}/").content.decode()

    # Not logged in: the login page, which knows where to come back to.
    response = client.get(button)
    assert response.status_code == 302
    login = response["Location"]
    assert urlsplit(login).path == "/accounts/login/" and parse_qs(urlsplit(login).query)["next"] == [button]

    # Logged in, not bound: the request to act for this subject, which keeps the destination.
    response = client.post(login, {"username": "stranger@example.com", "password": "correct horse battery"})
    assert response["Location"] == button
    response = client.get(button)
    dashboard = response["Location"]
    query = parse_qs(urlsplit(dashboard).query)
    assert urlsplit(dashboard).path == "/accounts/" and query["uscc"] == [world.subject.uscc]
    assert query["next"] == [button]
    page = client.get(dashboard).content.decode()
    assert f'value="{world.subject.uscc}"' in page  # the code is filled in
    assert f'href="{button.replace("&", "&amp;")}"' in page or f'href="{button}"' in page

    response = client.post(dashboard, {"uscc": world.subject.uscc, "proof": f.upload(), "next": button})
    assert response.status_code == 302 and parse_qs(urlsplit(response["Location"]).query)["next"] == [button]
    assert f'href="{button}"' in client.get(response["Location"]).content.decode()

    # Approved by staff: the same link opens the application with the item ticked.
    binding = SubjectBinding.objects.get(user=world.stranger, subject=world.subject)
    account_services.binding_decide(binding=binding, actor=world.centre, approve=True)
    page = client.get(button).content.decode()
    ticked = re.search(rf'<input[^>]*value="record-{world.penalty.pk}"[^>]*>', page).group(0)
    assert "checked" in ticked
    other = re.search(rf'<input[^>]*value="record-{world.tax_penalty.pk}"[^>]*>', page).group(0)
    assert "checked" not in other


def test_the_login_page_carries_the_destination_to_registration_and_the_confirmation_link(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    button = f"/repair/subjects/{world.subject.uscc}/apply/?item=record-{world.penalty.pk}"
    login = client.get(button)["Location"]
    page = client.get(login).content.decode()
    register = re.search(r'href="(/accounts/register/\?next=[^"]+)"', page).group(1)
    assert parse_qs(urlsplit(register.replace("&amp;", "&")).query)["next"] == [button]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            register.replace("&amp;", "&"),
            {"email": "new@example.com", "password1": "a long passphrase 1", "password2": "a long passphrase 1"},
        )
    link = re.search(r"http\S+/accounts/verify/\S+", mailoutbox[0].body).group(0)
    # Confirming (the link and the password) logs in and goes on to the destination.
    response = client.post(link.split("127.0.0.1:8000", 1)[-1], {"password": "a long passphrase 1"})
    assert response["Location"] == button


def test_the_destination_must_be_on_this_site(world, client):
    client.force_login(world.stranger)
    page = client.get("/accounts/", {"next": "https://evil.example/phish"}).content.decode()
    assert 'href="https://evil.example' not in page and 'name="next" value="https://evil.example' not in page


def test_the_self_check_shows_the_next_step_to_whoever_may_not_apply_yet(world, client):
    apply = f"/repair/subjects/{world.subject.uscc}/apply/"
    page = client.get(f"/repair/check/{world.subject.uscc}/").content.decode()
    assert "/accounts/login/?next=" in page and "/accounts/register/?next=" in page
    client.force_login(world.stranger)
    page = client.get(f"/repair/check/{world.subject.uscc}/").content.decode()
    link = re.search(r'href="(/accounts/\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {"uscc": [world.subject.uscc], "next": [apply]}


def test_the_approval_mail_links_to_the_self_check(world, mailoutbox, django_capture_on_commit_callbacks):
    binding = f.bind(world.stranger, world.other_subject, status=SubjectBinding.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        account_services.binding_decide(binding=binding, actor=world.centre, approve=True)
    assert f"/repair/check/{world.other_subject.uscc}/" in mailoutbox[-1].body
