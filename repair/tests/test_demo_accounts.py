"""seed_repair_demo: demo staff in each role and an applicant bound to a repairable subject."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.models import StaffProfile, SubjectBinding
from repair.selectors import Repairability, subject_repair_check


def test_it_creates_one_account_per_role_once(world):
    for _ in range(2):
        out = io.StringIO()
        call_command("seed_repair_demo", stdout=out)
    User = get_user_model()
    assert User.objects.filter(username__endswith="@demo.example").count() == 4
    reviewer = User.objects.get(username="reviewer@demo.example")
    assert reviewer.has_perm("repair.decide_case")
    assert User.objects.get(username="centre@demo.example").check_password("demo-password-2026")
    assert SubjectBinding.objects.filter(user__username="applicant@demo.example").count() == 1


def test_the_demo_applicant_has_a_penalty_repairable_now_and_one_not_yet_decided_by_the_demo_reviewers_authority(
    world,
):
    call_command("seed_repair_demo", stdout=io.StringIO())
    call_command("seed_repair_demo", stdout=io.StringIO())  # re-running adds nothing
    binding = SubjectBinding.objects.get(user__username="applicant@demo.example")
    assert binding.status == "approved"
    items = subject_repair_check(subject=binding.subject, show_cases=True)
    assert sorted(item.state for item in items) == [Repairability.LATER, Repairability.NOW]
    reviewer_authority = StaffProfile.objects.get(user__username="reviewer@demo.example").authority
    assert {item.authority for item in items} == {reviewer_authority}


def test_demo_staff_get_an_authenticator_key_that_is_printed_once_made(world):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    first, second = io.StringIO(), io.StringIO()
    call_command("seed_repair_demo", stdout=first)
    call_command("seed_repair_demo", stdout=second)
    devices = TOTPDevice.objects.filter(user__username__endswith="@demo.example", confirmed=True)
    assert devices.count() == 3  # the three staff accounts; the applicant needs none
    for device in devices:
        assert device.config_url in first.getvalue() and device.config_url in second.getvalue()
        assert totp(device.bin_key) is not None
