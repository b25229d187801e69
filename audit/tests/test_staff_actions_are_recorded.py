"""Staff actions and data changes leave an audit entry: who, when, from where, what, before and after."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group

from audit.admin import AuditedModelAdmin
from audit.models import AuditEntry
from audit.selectors import chain_verify
from disclosure.models import CreditList
from repair.tests import factories as f


def entries(action: str):
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def test_a_repair_decision_is_recorded_with_who_where_and_the_status_before_and_after(world, submitted, client):
    client.force_login(world.centre)
    response = client.post(
        f"/office/cases/{submitted.pk}/transition/", {"to": "accepted", "note": ""}, REMOTE_ADDR="198.51.100.23"
    )
    assert response.status_code == 302
    (entry,) = entries("repair.case.transition")
    assert (entry.actor, entry.actor_id, entry.ip) == ("centre@example.com", world.centre.pk, "198.51.100.23")
    assert (entry.target_type, entry.target_id) == ("repair.case", str(submitted.pk))
    assert entry.before == {"status": "submitted"} and entry.after["status"] == "accepted"
    assert entry.channel == f"POST /office/cases/{submitted.pk}/transition/"
    assert chain_verify().intact


def test_an_approved_repair_records_each_record_it_ends(world, accepted):
    from repair import services

    services.case_transition(case=accepted, to="repaired", actor=world.market_reviewer)
    ended = entries("disclosure.record.end")
    assert [e.target_id for e in ended] == [str(world.penalty.pk)]
    assert ended[0].after["end_reason"] == "repaired" and ended[0].actor == "market@example.com"
    assert entries("disclosure.listing.exit")[0].target_id == str(world.severe.pk)
    (commitment,) = entries("disclosure.record.created")
    assert commitment.after["category_id"] and "credit commitment" in commitment.summary


def test_a_binding_decision_is_recorded(world, client):
    binding = f.bind(f.user("new@example.com"), world.other_subject, status="pending")
    client.force_login(world.centre)
    client.post(f"/office/bindings/{binding.pk}/decide/", {"decision": "approve", "reason": ""})
    (entry,) = entries("accounts.binding.decide")
    assert entry.actor == "centre@example.com" and entry.after["status"] == "approved"


def test_an_admin_edit_of_a_list_is_recorded_with_the_fields_before_and_after(world, client):
    superuser = f.user("root@example.com", staff=True)
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    credit_list = CreditList.objects.get(code="abnormal_operation")
    url = f"/admin/disclosure/creditlist/{credit_list.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["repair_min_months"] = 24
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    # Through the service that recomputes the listings: one entry, with the count.
    (entry,) = entries("disclosure.creditlist.change")
    assert not entries("admin.change")
    assert (entry.target_type, entry.target_id) == ("disclosure.creditlist", str(credit_list.pk))
    assert entry.before["repair_min_months"] != 24 and entry.after["repair_min_months"] == 24


def test_granting_a_role_is_recorded_with_the_groups_before_and_after(world, client):
    superuser = f.user("root@example.com", staff=True)
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    target = world.stranger
    url = f"/admin/auth/user/{target.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data.pop("password", None)
    reviewer = Group.objects.get(name="credit_centre_reviewer")
    data.update(is_staff="on", groups=[reviewer.pk], date_joined_0="2026-11-25", date_joined_1="10:00:00")
    response = client.post(url, data)
    assert response.status_code == 302
    (entry,) = entries("admin.change")
    assert entry.before["groups"] == [] and entry.after["groups"] == [reviewer.pk]
    assert entry.before["is_staff"] is False and entry.after["is_staff"] is True
    assert "password" not in entry.after


def test_issuing_an_api_key_in_the_back_office_is_recorded_once(world, admin_client):
    admin_client.post("/admin/dataservices/apikey/add/", {"name": "征信机构甲", "daily_quota": 1000})
    assert [e.summary for e in entries("dataservices.api_key.issue")] == ["征信机构甲"]
    assert not entries("admin.add")


def test_logins_and_failed_logins_are_recorded_with_the_address(world, client):
    client.post(
        "/accounts/login/", {"username": "boss@example.com", "password": "wrong"}, REMOTE_ADDR="203.0.113.5"
    )
    client.post(
        "/accounts/login/",
        {"username": "boss@example.com", "password": "correct horse battery"},
        REMOTE_ADDR="203.0.113.5",
    )
    failed, logged_in = entries("auth.login_failed"), entries("auth.login")
    assert failed[0].ip == "203.0.113.5" and "boss@example.com" in failed[0].summary
    assert "wrong" not in str(failed[0].after) + failed[0].summary
    assert logged_in[-1].actor == "boss@example.com" and logged_in[-1].ip == "203.0.113.5"


@pytest.mark.django_db
def test_every_model_admin_records_its_edits():
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model is not AuditEntry and not isinstance(model_admin, AuditedModelAdmin)
    ]
    assert unaudited == []
