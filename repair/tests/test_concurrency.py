"""Two reviewers acting on one case at the same moment: exactly one wins (PostgreSQL)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from repair import services
from repair.models import Case, CaseEvent, Status
from repair.tests import factories as f


def _race(actions):
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:  # noqa: BLE001 - the loser's error is the result under test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def case(db):
    market = f.authority()
    subject = f.subject(1)
    penalty = f.record(subject, market)
    applicant = f.user("boss@example.com")
    f.bind(applicant, subject)
    centre_a = f.user("a@example.com", staff=True, groups=("credit_centre_reviewer",))
    centre_b = f.user("b@example.com", staff=True, groups=("credit_centre_reviewer",))
    filed = services.repair_application_submit(
        applicant=applicant,
        subject=subject,
        items=[f"record-{penalty.pk}"],
        statement="已整改",
        evidence=[f.upload()],
        commitment_confirmed=True,
        token=uuid.uuid4(),
    )
    return filed, centre_a, centre_b


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("second", [Status.ACCEPTED, Status.NOT_ACCEPTED])
def test_exactly_one_of_two_simultaneous_reviewers_succeeds(case, second, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    filed, centre_a, centre_b = case
    results = _race(
        [
            lambda: services.case_transition(case=filed, to=Status.ACCEPTED, actor=centre_a),
            lambda: services.case_transition(case=filed, to=second, actor=centre_b, note="材料不全"),
        ]
    )
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], services.InvalidTransition)
    assert "your action was not applied" in str(losers[0])
    # One event for the one move that happened.
    assert CaseEvent.objects.filter(case=filed).exclude(old_status="").count() == 1
    assert Case.objects.get(pk=filed.pk).status == winners[0].status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_submits_with_one_token_file_one_case(db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    market = f.authority()
    subject = f.subject(1)
    penalty = f.record(subject, market)
    applicant = f.user("boss@example.com")
    f.bind(applicant, subject)
    token = uuid.uuid4()

    def file():
        return services.repair_application_submit(
            applicant=applicant,
            subject=subject,
            items=[f"record-{penalty.pk}"],
            statement="已整改",
            evidence=[f.upload()],
            commitment_confirmed=True,
            token=token,
        )

    results = _race([file, file])
    assert all(isinstance(r, Case) for r in results), results
    assert results[0].pk == results[1].pk
    assert Case.objects.count() == 1
