"""Registration with e-mail verification, log in and out."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def _register(client, email="Boss@Example.com", password="a long enough passphrase"):
    return client.post("/accounts/register/", {"email": email, "password1": password, "password2": password})


def test_a_new_user_confirms_the_email_before_logging_in(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client)
    assert response.status_code == 200
    user = get_user_model().objects.get()
    assert (user.email, user.is_active) == ("boss@example.com", False)
    login = {"username": "boss@example.com", "password": "a long enough passphrase"}
    assert client.post("/accounts/login/", login).status_code == 200  # refused: not confirmed
    link = re.search(r"http\S+/accounts/verify/\S+/", mailoutbox[0].body).group(0)
    response = client.post(link[link.index("/accounts/") :], {"password": "a long enough passphrase"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    response = client.post("/accounts/login/", login)
    assert response.status_code == 302
    assert client.get("/accounts/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/accounts/").status_code == 302


def test_a_forged_confirmation_link_is_refused(client):
    _register(client)
    user = get_user_model().objects.get()
    response = client.get("/accounts/verify/MQ/not-a-token/")
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_an_address_registers_once(client):
    _register(client)
    response = _register(client, email="BOSS@example.com")
    assert response.status_code == 200
    assert get_user_model().objects.count() == 1


def test_weak_or_mismatched_passwords_are_refused(client):
    assert _register(client, password="123").status_code == 200
    client.post("/accounts/register/", {"email": "x@example.com", "password1": "a long enough one", "password2": "b"})
    assert get_user_model().objects.count() == 0


def test_logging_in_without_a_next_page_lands_on_the_account_page(client):
    get_user_model().objects.create_user(username="a@example.com", email="a@example.com", password="pass phrase 12")
    response = client.post("/accounts/login/", {"username": "A@example.com", "password": "pass phrase 12"})
    assert response["Location"] == "/accounts/"
    response = client.post("/accounts/logout/")
    response = client.post(
        "/accounts/login/?next=/office/", {"username": "a@example.com", "password": "pass phrase 12"}
    )
    assert response["Location"] == "/office/"
