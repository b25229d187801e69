"""seed_repair_demo: demo staff in each role and an applicant bound to a repairable subject."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.models import StaffProfile, SubjectBinding
from repair.selectors import subject_repair_check


def test_it_creates_one_account_per_role_once(world):
    for _ in range(2):
        out = io.StringIO()
        call_command("seed_repair_demo", stdout=out)
    User = get_user_model()
    assert User.objects.filter(username__endswith="@demo.example").count() == 4
    reviewer = User.objects.get(username="reviewer@demo.example")
    assert reviewer.has_perm("repair.decide_case")
    binding = SubjectBinding.objects.get(user__username="applicant@demo.example")
    assert (binding.subject, binding.status) == (world.subject, "approved")
    # The reviewer decides for an authority with an item the applicant can repair now.
    repairable_now = {i.authority for i in subject_repair_check(subject=world.subject, show_cases=True) if i.selectable}
    assert StaffProfile.objects.get(user=reviewer).authority in repairable_now
    assert User.objects.get(username="centre@demo.example").check_password("demo-password-2026")
