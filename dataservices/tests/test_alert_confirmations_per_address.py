"""The follow form cannot flood an inbox: confirmations to one address are
limited, whichever subjects they are for."""

from __future__ import annotations

import pytest
from django.core import mail

from dataservices.tests.helpers import make_subject

pytestmark = pytest.mark.django_db


def test_one_address_gets_at_most_a_few_confirmations_however_many_subjects(
    client, at_noon, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MAILS_PER_ADDRESS_PER_HOUR = 3
    subjects = [make_subject(f"罗源示例{n}有限公司") for n in range(20)]
    with django_capture_on_commit_callbacks(execute=True):
        for subject in subjects:
            response = client.post(f"/subjects/{subject.uscc}/follow/", {"email": "Victim@Example.com"})
            assert response.status_code == 302  # the same answer every time
        client.post(f"/subjects/{subjects[0].uscc}/follow/", {"email": "someone.else@example.com"})
    assert [m.to for m in mail.outbox].count(["victim@example.com"]) == 3
    assert ["someone.else@example.com"] in [m.to for m in mail.outbox]
