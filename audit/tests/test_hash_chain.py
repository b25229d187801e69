"""Each audit entry carries the hash of the one before; verify_audit finds the first broken link."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from audit import chain
from audit.models import AuditEntry
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def _three_entries() -> list[AuditEntry]:
    return [audit_record(action="test.step", summary=f"step {n}", after={"n": n}) for n in (1, 2, 3)]


def test_entries_link_to_the_previous_one_and_the_chain_verifies():
    first, second, third = _three_entries()
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert first.prev_hash == chain.GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert f"3 entries, head {third.hash}" in out.getvalue()


def test_an_empty_trail_verifies():
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "0 entries" in out.getvalue()


def test_a_changed_entry_is_named_as_the_first_broken_link(tamper):
    _three_entries()
    tamper("UPDATE audit_auditentry SET summary = 'nothing happened' WHERE seq = 2")
    with pytest.raises(CommandError, match=r"entry #2 was changed after it was written \(1 entries before it"):
        call_command("verify_audit")


def test_a_removed_entry_is_found(tamper):
    _three_entries()
    tamper("DELETE FROM audit_auditentry WHERE seq = 2")
    with pytest.raises(CommandError, match="entry #2 is missing"):
        call_command("verify_audit")


def test_an_entry_rewritten_with_a_fresh_hash_breaks_the_next_link(tamper):
    entries = _three_entries()
    forged = AuditEntry.objects.get(seq=2)
    forged.summary = "forged"
    forged.hash = chain.entry_hash(forged)
    tamper("UPDATE audit_auditentry SET summary = %s, hash = %s WHERE seq = 2", [forged.summary, forged.hash])
    assert entries[2].prev_hash != forged.hash
    with pytest.raises(CommandError, match="entry #3 does not link to entry #2"):
        call_command("verify_audit")


def test_the_command_exits_non_zero_on_a_broken_chain(tamper, capsys):
    _three_entries()
    tamper("UPDATE audit_auditentry SET actor = 'someone else' WHERE seq = 1")
    with pytest.raises(SystemExit) as exit_info:
        _run_as_cli()
    assert exit_info.value.code == 1
    assert "entry #1" in capsys.readouterr().err


def _run_as_cli() -> None:
    from django.core.management import ManagementUtility

    ManagementUtility(["manage.py", "verify_audit"]).execute()
