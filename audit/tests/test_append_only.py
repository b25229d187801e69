"""On PostgreSQL the database itself refuses to change or remove audit entries."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEntry
from audit.selectors import chain_verify
from audit.services import audit_record


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET summary = 'nothing happened'",
        "DELETE FROM audit_auditentry",
        "TRUNCATE audit_auditentry",
    ],
)
def test_a_direct_sql_change_of_the_trail_is_refused(sql):
    audit_record(action="test.kept", summary="kept as written")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        # The test suite's sessions may truncate (to empty tables between tests); production's may not.
        cursor.execute("SET LOCAL creditportal.allow_audit_truncate = 'off'")
        cursor.execute(sql)
    assert AuditEntry.objects.get().summary == "kept as written"


@pytest.mark.django_db
def test_the_orm_cannot_change_an_entry_either_on_postgresql_or_it_breaks_the_chain():
    entry = audit_record(action="test.kept", summary="kept as written")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).update(summary="changed")
    else:
        AuditEntry.objects.filter(pk=entry.pk).update(summary="changed")
        assert not chain_verify().intact


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for step in range(10):
                with transaction.atomic():
                    audit_record(action="test.concurrent", summary=f"writer {n} step {step}")
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 61))
    verdict = chain_verify()
    assert verdict.intact and verdict.checked == 60
