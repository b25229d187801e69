"""The public status lookup keeps the tracking number and the code out of
URLs: it is a POST form, protected against cross-site requests."""

from __future__ import annotations

from django.test import Client

from repair.tests.conftest import submit


def test_the_lookup_form_posts_and_a_query_string_looks_nothing_up(world, client):
    case = submit(world)
    page = client.get("/repair/status/", {"tracking_no": case.tracking_no, "uscc": world.subject.uscc})
    body = page.content.decode()
    assert '<form method="post"' in body
    assert case.get_status_display() not in body.split("</form>")[-1]
    assert world.subject.name not in body


def test_a_lookup_posted_from_another_site_is_refused(world):
    case = submit(world)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/repair/status/", {"tracking_no": case.tracking_no, "uscc": world.subject.uscc})
    assert response.status_code == 403
