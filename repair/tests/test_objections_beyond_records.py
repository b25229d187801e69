"""Objections can also be raised against a listing, a disclosure period and
the result of a repair application, not only a disclosed record."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from disclosure.models import Listing, Record
from repair import selectors, services
from repair.models import Ground, Kind, Status


def objection(world, **target):
    return services.objection_submit(
        applicant=world.applicant,
        subject=world.subject,
        ground=target.pop("ground", Ground.WRONG),
        statement="理由",
        evidence=[],
        token=uuid.uuid4(),
        **target,
    )


def accept(world, case):
    return services.case_transition(case=case, to=Status.ACCEPTED, actor=world.centre)


def test_an_objection_against_a_listing_can_take_the_subject_off_the_list(world):
    case = accept(world, objection(world, listing=world.debtor))
    assert case.kind == Kind.OBJECTION and case.items.get().listing == world.debtor
    services.case_transition(case=case, to=Status.RECORD_WITHDRAWN, actor=world.market_reviewer, note="来源核实有误")
    listing = Listing.objects.get(pk=world.debtor.pk)
    assert (listing.exit_reason, listing.exited_on) == ("corrected", dt.date(2026, 11, 25))


def test_an_objection_against_a_listings_planned_exit_corrects_it(world):
    case = accept(world, objection(world, listing=world.severe, ground=Ground.WRONG_PERIOD))
    services.case_transition(
        case=case,
        to=Status.CORRECTED,
        actor=world.market_reviewer,
        note="移出日期有误",
        changes={"planned_exit_on": dt.date(2026, 11, 1)},
    )
    listing = Listing.objects.get(pk=world.severe.pk)
    assert listing.disclosure_until == dt.date(2026, 10, 31)
    assert listing.events.filter(action="updated").exists()


def test_an_objection_against_a_records_period_corrects_its_dates(world):
    case = accept(world, objection(world, record=world.recent, ground=Ground.WRONG_PERIOD))
    services.case_transition(
        case=case,
        to=Status.CORRECTED,
        actor=world.market_reviewer,
        note="决定日期录入错误",
        changes={"decided_on": dt.date(2025, 10, 1)},
    )
    assert Record.objects.get(pk=world.recent.pk).disclosure_until == dt.date(2026, 10, 1)


def test_an_objection_against_a_refused_repair_can_grant_it(world, accepted):
    refused = services.case_transition(case=accepted, to=Status.REFUSED, actor=world.market_reviewer, note="证据不足")
    assert refused in selectors.objection_targets(subject=world.subject).cases
    case = accept(world, objection(world, repair_case=refused, ground=Ground.REPAIR_RESULT))
    assert case.objected_case == refused
    assert {i.record_id or i.listing_id for i in case.items.all()} == {world.penalty.pk, world.severe.pk}
    assert refused not in selectors.objection_targets(subject=world.subject).cases  # one at a time
    done = services.case_transition(case=case, to=Status.CORRECTED, actor=world.market_reviewer, note="复核后予以修复")
    assert Record.objects.get(pk=world.penalty.pk).end_reason == "repaired"
    assert done.commitment_record is not None and done.commitment_record.disclosure_until == dt.date(2028, 1, 5)


def test_a_repair_result_objection_needs_that_ground_and_a_refused_case(world, submitted):
    with pytest.raises(services.RepairError):
        objection(world, repair_case=submitted, ground=Ground.REPAIR_RESULT)
    with pytest.raises(services.RepairError):
        objection(world, record=world.recent, ground=Ground.REPAIR_RESULT)


def test_the_objection_form_offers_records_listings_and_refused_repairs(client, world, accepted):
    services.case_transition(case=accepted, to=Status.REFUSED, actor=world.market_reviewer, note="证据不足")
    client.force_login(world.applicant)
    url = f"/repair/subjects/{world.subject.uscc}/object/"
    page = client.get(url).content.decode()
    assert f'value="listing-{world.debtor.pk}"' in page and f'value="case-{accepted.pk}"' in page
    token = re.search(r'name="token" value="([0-9a-f-]+)"', page).group(1)
    response = client.post(
        url, {"token": token, "record": f"listing-{world.debtor.pk}", "ground": "wrong", "statement": "列入有误"}
    )
    assert response.status_code == 302
