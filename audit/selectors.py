from __future__ import annotations

from collections.abc import Iterator

from audit import chain
from audit.models import AuditEntry


def entries_in_order() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


def chain_verify() -> chain.Verdict:
    return chain.verify(entries_in_order())
