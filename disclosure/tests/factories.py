"""Plain helpers that create valid domain objects for tests."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from disclosure.models import Authority, Category, CreditList, Listing, Record, Subject, SubjectType
from disclosure.search import normalize_name

_sequence = itertools.count(1)
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(region: str = "350181", n: int | None = None) -> str:
    n = next(_sequence) if n is None else n
    body = ""
    for _ in range(9):
        n, digit = divmod(n, len(_ALPHABET))
        body = _ALPHABET[digit] + body
    first17 = "91" + region + body
    return first17 + stdnum_uscc.calc_check_digit(first17)


def make_subject(name: str = "福清市示例贸易有限公司", **fields) -> Subject:
    fields.setdefault("uscc", make_uscc())
    fields.setdefault("subject_type", SubjectType.ENTERPRISE)
    fields.setdefault("region_code", "350181")
    return Subject.objects.create(name=name, search_name=normalize_name(name), **fields)


def make_authority(name: str = "福清市市场监督管理局") -> Authority:
    return Authority.objects.get_or_create(name=name)[0]


def make_record(
    *,
    subject: Subject | None = None,
    category: str = "admin_penalty",
    severity: str = "general",
    decided_on: dt.date = dt.date(2026, 6, 1),
    valid_until: dt.date | None = None,
    **fields,
) -> Record:
    record = Record(
        subject=subject or make_subject(),
        category=Category.objects.get(code=category),
        severity=severity,
        decided_on=decided_on,
        valid_until=valid_until,
        authority=fields.pop("authority", None) or make_authority(),
        document_no=fields.pop("document_no", f"融市监罚〔2026〕{next(_sequence)}号"),
        summary=fields.pop("summary", "未按规定公示年度报告。"),
        source=fields.pop("source", "test"),
        source_id=fields.pop("source_id", f"t-{next(_sequence)}"),
        arrived_at=fields.pop("arrived_at", timezone.now()),
        **fields,
    )
    record.apply_catalogue()
    record.save()
    return record


def make_listing(
    *,
    subject: Subject | None = None,
    credit_list: str = "severe_dishonesty",
    entered_on: dt.date = dt.date(2026, 1, 10),
    **fields,
) -> Listing:
    listing = Listing(
        subject=subject or make_subject(),
        credit_list=CreditList.objects.get(code=credit_list),
        entered_on=entered_on,
        reason=fields.pop("reason", "拒不履行法定义务，情节严重。"),
        authority=fields.pop("authority", None) or make_authority(),
        source=fields.pop("source", "test"),
        source_id=fields.pop("source_id", f"l-{next(_sequence)}"),
        arrived_at=fields.pop("arrived_at", timezone.now()),
        **fields,
    )
    listing.apply_list()
    listing.save()
    return listing
