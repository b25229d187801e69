"""Plain create() helpers for the repair and accounts tests."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum.cn import uscc

from accounts.models import StaffProfile, SubjectBinding
from disclosure.models import Authority, Category, CreditList, Listing, Record, Subject

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def code(n: int) -> str:
    base = f"91350100MA{n:07d}"
    return base + uscc.calc_check_digit(base)


def subject(n: int = 1, name: str | None = None) -> Subject:
    return Subject.objects.create(
        uscc=code(n),
        name=name or f"福州测试{n}有限公司",
        search_name=name or f"福州测试{n}有限公司",
        subject_type="enterprise",
        region_code="350100",
        legal_representative="张三",
    )


def authority(name: str = "福州市市场监督管理局") -> Authority:
    return Authority.objects.get_or_create(name=name)[0]


_counter = iter(range(1, 10**6))


def record(
    subj: Subject,
    auth: Authority,
    *,
    category: str = "admin_penalty",
    severity: str = "general",
    decided_on: dt.date = dt.date(2026, 1, 5),
) -> Record:
    n = next(_counter)
    rec = Record(
        subject=subj,
        category=Category.objects.get(code=category),
        severity=severity,
        document_no=f"榕市监罚〔2026〕{n}号",
        decided_on=decided_on,
        authority=auth,
        summary=f"违法事实 {n}",
        source="test",
        source_id=f"r{n}",
        arrived_at=timezone.now(),
    )
    rec.apply_catalogue()
    rec.save()
    return rec


def listing(
    subj: Subject, auth: Authority, *, list_code: str = "severe_dishonesty", entered_on: dt.date = dt.date(2025, 1, 5)
) -> Listing:
    n = next(_counter)
    item = Listing(
        subject=subj,
        credit_list=CreditList.objects.get(code=list_code),
        entered_on=entered_on,
        reason="列入理由",
        authority=auth,
        document_no=f"列入〔2025〕{n}号",
        source="test",
        source_id=f"l{n}",
        arrived_at=timezone.now(),
    )
    item.apply_list()
    item.save()
    return item


def user(email: str, *, staff: bool = False, groups: tuple[str, ...] = (), of: Authority | None = None):
    account = get_user_model().objects.create_user(
        username=email, email=email, password="correct horse battery", is_staff=staff
    )
    for name in groups:
        account.groups.add(Group.objects.get(name=name))
    if of is not None:
        StaffProfile.objects.create(user=account, authority=of)
    return account


def bind(account, subj: Subject, status: str = SubjectBinding.Status.APPROVED) -> SubjectBinding:
    binding = SubjectBinding(
        user=account, subject=subj, status=status, proof_type="application/pdf", proof_name="l.pdf"
    )
    binding.proof.save("proof/test.pdf", ContentFile(PDF), save=False)
    binding.save()
    return binding


def upload(content: bytes = PDF, name: str = "receipt.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)
