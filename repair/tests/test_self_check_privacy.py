"""The public self-check does not reveal open applications to anyone but the
account bound to the subject (DESIGN.md, natural persons and 22号)."""

from __future__ import annotations

from repair.tests.conftest import submit


def test_a_stranger_does_not_see_that_an_item_is_in_an_open_application(client, world):
    submit(world)
    client.force_login(world.stranger)
    page = client.get(f"/repair/check/{world.subject.uscc}/").content.decode()
    assert "Already in an open application" not in page
    client.logout()
    page = client.get(f"/repair/check/{world.subject.uscc}/").content.decode()
    assert "Already in an open application" not in page


def test_the_bound_applicant_sees_it(client, world):
    submit(world)
    client.force_login(world.applicant)
    page = client.get(f"/repair/check/{world.subject.uscc}/").content.decode()
    assert "Already in an open application" in page
