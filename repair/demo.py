"""Demo accounts for the repair workflow: staff in each role and a bound applicant.

Used by `manage.py seed_repair_demo` after `seed_demo`, so that the whole
story (apply, accept, repair) can be tried in a browser. Idempotent.
"""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import StaffProfile, SubjectBinding
from disclosure.models import Subject
from repair.selectors import Repairability, subject_repair_check

DEFAULT_PASSWORD = "demo-password-2026"
# A minimal valid PDF standing in for a scanned business licence.
DEMO_PROOF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _user(email: str, password: str, *, staff: bool, group: str | None = None):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=email, defaults={"email": email, "is_staff": staff, "is_active": True}
    )
    if created:
        user.set_password(password)
        user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@transaction.atomic
def demo_accounts_create(*, password: str | None = None) -> list[str]:
    """Create the demo accounts; returns lines describing them."""
    password = password or os.environ.get("DEMO_STAFF_PASSWORD", DEFAULT_PASSWORD)
    lines = []
    _user("centre@demo.example", password, staff=True, group="credit_centre_reviewer")
    lines.append("centre@demo.example: credit-centre reviewer (accepts / does not accept)")
    _user("admin-role@demo.example", password, staff=True, group="administrator")
    lines.append("admin-role@demo.example: administrator (official calendar, bindings)")
    subject = None
    for candidate in Subject.objects.filter(uscc__isnull=False).order_by("pk"):
        items = [i for i in subject_repair_check(subject=candidate, show_cases=True) if i.state == Repairability.NOW]
        if items:
            subject, authority = candidate, items[0].authority
            break
    if subject is None:
        lines.append("no subject with an item repairable now: run seed_demo first")
        return lines
    reviewer = _user("reviewer@demo.example", password, staff=True, group="authority_reviewer")
    StaffProfile.objects.update_or_create(user=reviewer, defaults={"authority": authority})
    lines.append(f"reviewer@demo.example: authority reviewer for {authority} (decides)")
    applicant = _user("applicant@demo.example", password, staff=False)
    if not SubjectBinding.objects.filter(user=applicant, subject=subject, status="approved").exists():
        binding = SubjectBinding(
            user=applicant, subject=subject, status="approved", proof_type="application/pdf", proof_name="licence.pdf"
        )
        binding.proof.save("proof/demo-licence.pdf", ContentFile(DEMO_PROOF), save=False)
        binding.save()
    lines.append(f"applicant@demo.example: bound to {subject.name} ({subject.uscc})")
    lines.append("password: $DEMO_STAFF_PASSWORD or the demo default")
    return lines
