from __future__ import annotations

import pytest
from django.db import connection


@pytest.fixture
def tamper():
    """Change the table behind the application's back, as an intruder with
    database access would (on PostgreSQL, past the trigger, as a superuser may)."""

    def run(sql: str, params: list | None = None) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
            cursor.execute(sql, params or [])
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")

    return run


from repair.tests.conftest import accepted, clock, private_media, submitted, world  # noqa: E402, F401
