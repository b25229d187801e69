"""Demo accounts for the repair workflow: staff in each role and a bound applicant.

Used by `manage.py seed_repair_demo` after `seed_demo`, so that the whole
story (apply, accept, repair) can be tried in a browser. Idempotent.

The applicant's company is the demo's own: its two penalties come through the
importer (source "demo-repair", dated from today), one repairable now and one
not before its minimum period, both decided by the authority the demo
reviewer works for. So the main repair path and the "not yet" path can both
be shown without registering anyone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from base64 import b32encode
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import uscc as stdnum_uscc

from accounts.models import StaffProfile, SubjectBinding
from disclosure import periods
from disclosure.importer import records_import
from disclosure.models import Authority, Subject

DEFAULT_PASSWORD = "demo-password-2026"
DEMO_STAFF = ("centre@demo.example", "admin-role@demo.example", "reviewer@demo.example")
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


DEMO_SOURCE = "demo-repair"
DEMO_COMPANY = "福清市信用修复示范有限公司"
DEMO_AUTHORITY = "福清市市场监督管理局"
# 91 enterprise, 350181 Fuqing; the check character is computed, not typed.
DEMO_USCC = "91350181MA2DEM0X1" + stdnum_uscc.calc_check_digit("91350181MA2DEM0X1")


def _months_ago(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def demo_company_create() -> tuple[Subject, Authority]:
    """The demo company with a penalty repairable now (general, decided 4
    months ago: its 3-month minimum has passed) and one that is not yet
    (serious, decided 2 months ago: repairable after 1 year)."""
    today = periods.today()
    base = {
        "uscc": DEMO_USCC,
        "subject_name": DEMO_COMPANY,
        "subject_type": "enterprise",
        "region_code": "350181",
        "category": "admin_penalty",
        "authority": DEMO_AUTHORITY,
    }
    rows = [
        {
            **base,
            "source_id": "demo-repairable-now",
            "severity": "general",
            "decided_on": _months_ago(today, 4).isoformat(),
            "document_no": f"融市监罚〔{_months_ago(today, 4).year}〕101号",
            "summary": "未按规定公示年度报告，责令改正，罚款人民币5000元（已缴纳）。",
        },
        {
            **base,
            "source_id": "demo-repairable-later",
            "severity": "serious",
            "decided_on": _months_ago(today, 2).isoformat(),
            "document_no": f"融市监罚〔{_months_ago(today, 2).year}〕102号",
            "summary": "销售不符合保障人体健康安全标准的产品，没收违法所得，罚款人民币80000元。",
        },
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{DEMO_SOURCE}.jsonl"
        path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
        # Re-importing updates the same two records (idempotent on source_id).
        records_import(path=path, source=DEMO_SOURCE)
    return Subject.objects.get(uscc=DEMO_USCC), Authority.objects.get(name=DEMO_AUTHORITY)


def demo_accounts_create(*, password: str | None = None) -> list[str]:
    """Create the demo company and accounts; returns lines describing them."""
    password = password or os.environ.get("DEMO_STAFF_PASSWORD", DEFAULT_PASSWORD)
    # Before the accounts' transaction: the importer commits its run record first.
    subject, authority = demo_company_create()
    with transaction.atomic():
        lines = []
        _user("centre@demo.example", password, staff=True, group="credit_centre_reviewer")
        lines.append("centre@demo.example: credit-centre reviewer (accepts / does not accept)")
        _user("admin-role@demo.example", password, staff=True, group="administrator")
        lines.append("admin-role@demo.example: administrator (official calendar, bindings)")
        reviewer = _user("reviewer@demo.example", password, staff=True, group="authority_reviewer")
        StaffProfile.objects.update_or_create(user=reviewer, defaults={"authority": authority})
        lines.append(f"reviewer@demo.example: authority reviewer for {authority} (decides)")
        applicant = _user("applicant@demo.example", password, staff=False)
        if not SubjectBinding.objects.filter(user=applicant, subject=subject, status="approved").exists():
            binding = SubjectBinding(
                user=applicant,
                subject=subject,
                status="approved",
                proof_type="application/pdf",
                proof_name="licence.pdf",
            )
            binding.proof.save("proof/demo-licence.pdf", ContentFile(DEMO_PROOF), save=False)
            binding.save()
        lines.append(
            f"applicant@demo.example: bound to {subject.name} ({subject.uscc}): "
            "one penalty repairable now, one not yet"
        )
        lines.append("password: $DEMO_STAFF_PASSWORD or the demo default")
        lines.extend(demo_second_factors())
    return lines


def demo_second_factors() -> list[str]:
    """Staff need a second factor (accounts.two_factor): give each demo staff
    account (and seed_demo's superuser) an authenticator key, printed so that
    the demo can be tried: add it to an app, or `oathtool --totp -b KEY`."""
    lines = ["second factor of the demo staff (add the key to an authenticator app):"]
    staff = get_user_model().objects.filter(is_staff=True, username__in=[*DEMO_STAFF, "admin"]).order_by("username")
    for user in staff:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
        lines.append(f"  {user.get_username()}: key {b32encode(device.bin_key).decode()}  {device.config_url}")
    return lines
