"""A repair obtained by fraud is revoked: disclosure is restored for the rest
of the original period, with a reason, an event and a change-feed item."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from disclosure import feed
from disclosure.models import Listing, Record
from repair import services
from repair.models import Status


@pytest.fixture
def repaired(world, accepted):
    return services.case_transition(case=accepted, to=Status.REPAIRED, actor=world.market_reviewer)


def disclosed(obj, day=dt.date(2026, 11, 25)) -> bool:
    return type(obj).objects.disclosed_on(day).filter(pk=obj.pk).exists()


def test_revoking_puts_back_what_the_repair_ended(world, repaired, mailoutbox, django_capture_on_commit_callbacks):
    assert not disclosed(world.penalty) and not disclosed(world.severe)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_transition(
            case=repaired, to=Status.REPAIR_REVOKED, actor=world.market_reviewer, note="缴款凭证系伪造"
        )
    assert (case.status, case.reason) == (Status.REPAIR_REVOKED, "缴款凭证系伪造")
    assert disclosed(world.penalty) and disclosed(world.severe)
    penalty = Record.objects.get(pk=world.penalty.pk)
    assert (penalty.ended_on, penalty.disclosure_until) == (None, dt.date(2027, 1, 5))  # the original period
    assert "缴款凭证系伪造" in mailoutbox[-1].body


def test_agencies_learn_it_from_the_change_feed(world, repaired):
    services.case_transition(case=repaired, to=Status.REPAIR_REVOKED, actor=world.market_reviewer, note="欺骗")
    items = feed.changes(subject_id=world.subject.pk, limit=100).items
    restored = [(i.kind, i.object_id) for i in items if i.action == "disclosed" and i.reason == "restored"]
    assert ("record", world.penalty.pk) in restored and ("listing", world.severe.pk) in restored
    event = world.penalty.events.filter(reason="restored").get()
    assert "欺骗" in event.note


def test_a_period_that_ran_out_meanwhile_stays_ended(world, repaired):
    with time_machine.travel(dt.datetime(2027, 2, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        services.case_transition(case=repaired, to=Status.REPAIR_REVOKED, actor=world.market_reviewer, note="欺骗")
        assert not disclosed(world.penalty, dt.date(2027, 2, 1))  # its last day was 2027-01-05
        assert disclosed(Listing.objects.get(pk=world.severe.pk), dt.date(2027, 2, 1))


def test_only_the_deciding_authority_revokes_and_with_a_reason(world, repaired):
    with pytest.raises(services.RepairError):
        services.case_transition(case=repaired, to=Status.REPAIR_REVOKED, actor=world.tax_reviewer, note="x")
    with pytest.raises(services.RepairError, match="reason"):
        services.case_transition(case=repaired, to=Status.REPAIR_REVOKED, actor=world.market_reviewer)
