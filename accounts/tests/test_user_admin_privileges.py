"""Staff roles that may edit users cannot grant themselves or others more.

A probe with the "administrator" role (auth.change_user) made itself superuser
through the stock user admin and could open the superuser's password form.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from repair.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    User = get_user_model()
    return {
        "root": User.objects.create_superuser("root", "root@example.com", "correct horse battery"),
        "admin": f.user("admin-role@example.com", staff=True, groups=("administrator",)),
        "reviewer": f.user("reviewer@example.com", staff=True, groups=("authority_reviewer",)),
        "applicant": f.user("applicant@example.com"),
    }


def _change_form(user) -> dict:
    """The fields the change form posts, as the admin renders them."""
    return {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }


def test_an_administrator_cannot_make_itself_superuser_or_join_groups(people, client):
    admin = people["admin"]
    client.force_login(admin)
    url = f"/admin/auth/user/{admin.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="groups"' not in page.content.decode()
    reviewer_role = Group.objects.get(name="authority_reviewer")
    form = _change_form(admin) | {
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [reviewer_role.pk],
        "user_permissions": [],
    }
    response = client.post(url, form)
    assert response.status_code == 302
    admin.refresh_from_db()
    assert not admin.is_superuser
    assert list(admin.groups.values_list("name", flat=True)) == ["administrator"]


def test_an_administrator_cannot_grant_staff_status_to_an_applicant(people, client):
    client.force_login(people["admin"])
    applicant = people["applicant"]
    form = _change_form(applicant) | {"email": "new@example.com", "is_staff": "on", "is_superuser": "on"}
    assert client.post(f"/admin/auth/user/{applicant.pk}/change/", form).status_code == 302
    applicant.refresh_from_db()
    assert applicant.email == "new@example.com"  # ordinary account details stay editable
    assert (applicant.is_staff, applicant.is_superuser) == (False, False)


def test_an_administrator_cannot_open_or_use_the_superusers_password_form(people, client):
    client.force_login(people["admin"])
    root = people["root"]
    assert client.get(f"/admin/auth/user/{root.pk}/password/").status_code == 403
    response = client.post(
        f"/admin/auth/user/{root.pk}/password/",
        {"password1": "taken over 2026!", "password2": "taken over 2026!", "set_usable_password": "true"},
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password("correct horse battery")
    assert client.post(f"/admin/auth/user/{root.pk}/change/", _change_form(root) | {"is_active": ""}).status_code == 403


def test_an_administrator_cannot_take_over_an_account_with_powers_it_lacks(people, client):
    client.force_login(people["admin"])
    reviewer = people["reviewer"]  # may decide cases; the administrator may not
    assert client.get(f"/admin/auth/user/{reviewer.pk}/password/").status_code == 403
    reviewer.is_active = False
    reviewer.save()
    # Inactive, it holds no effective permission, but reactivating it would restore them.
    assert client.post(f"/admin/auth/user/{reviewer.pk}/change/", _change_form(reviewer)).status_code == 403
    reviewer.refresh_from_db()
    assert not reviewer.is_active


def test_only_superusers_manage_roles(people, client):
    client.force_login(people["admin"])
    role = Group.objects.get(name="administrator")
    assert client.get("/admin/auth/group/add/").status_code == 403
    assert (
        client.post(f"/admin/auth/group/{role.pk}/change/", {"name": role.name, "permissions": []}).status_code == 403
    )
    assert role.permissions.count() > 0

    client.force_login(people["root"])
    assert client.get("/admin/auth/group/add/").status_code == 200
    page = client.get(f"/admin/auth/user/{people['admin'].pk}/change/").content.decode()
    assert 'name="is_superuser"' in page and 'name="groups"' in page
