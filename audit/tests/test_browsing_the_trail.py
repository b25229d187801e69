"""Auditors browse the trail read-only; other roles do not see it (separation of duties)."""

from __future__ import annotations

from audit.models import AuditEntry
from audit.services import audit_record
from repair.tests import factories as f


def test_an_auditor_browses_and_searches_the_trail(world, client):
    audit_record(action="test.visible", summary="证据已核验", actor="centre@example.com")
    auditor = f.user("auditor@example.com", staff=True, groups=("auditor",))
    client.force_login(auditor)
    page = client.get("/admin/audit/auditentry/", {"q": "证据已核验"})
    assert page.status_code == 200
    assert "证据已核验" in page.content.decode()
    entry = AuditEntry.objects.get(action="test.visible")
    detail = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert detail.status_code == 200 and entry.hash in detail.content.decode()


def test_nobody_can_change_or_delete_an_entry_in_the_back_office(world, client):
    entry = audit_record(action="test.kept", summary="kept")
    superuser = f.user("root@example.com", staff=True)
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"summary": "changed"})
    entry.refresh_from_db()
    assert entry.summary == "kept"


def test_administrators_and_reviewers_do_not_see_the_trail(world, client):
    for user in (world.admin, world.centre):
        client.force_login(user)
        assert client.get("/admin/audit/auditentry/").status_code == 403
