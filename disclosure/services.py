"""Writes to the disclosed data. Views, admin and commands call these."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F

from disclosure import periods
from disclosure.models import (
    CacheGeneration,
    Category,
    DisclosureEvent,
    EndReason,
    ExitReason,
    Listing,
    Record,
)


class DisclosureError(Exception):
    """An application error with a message meant for the user."""


def snapshot(obj: Record | Listing) -> dict[str, Any]:
    """Every stored field of a record or listing, JSON-safe, as history."""
    data = {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def cache_generation_raise(*, name: str = CacheGeneration.CATALOGUE) -> None:
    """Raise a cache generation in the caller's transaction (disclosure.pagecache).

    The row lock is held until the caller commits: catalogue changes are
    rare, and two of them at once must not both write the same value.
    """
    if CacheGeneration.objects.filter(name=name).update(value=F("value") + 1):
        return
    # Created by migration 0008; a flushed database lacks it. A new row starts
    # from the clock, never from a value a running process may have seen.
    _, created = CacheGeneration.objects.get_or_create(name=name, defaults={"value": CacheGeneration.fresh_value()})
    if not created:
        CacheGeneration.objects.filter(name=name).update(value=F("value") + 1)


@transaction.atomic
def record_end_disclosure(
    *, record: Record, reason: EndReason | str, on: dt.date | None = None, actor: str = "", note: str = ""
) -> Record:
    """End a record's disclosure early: repaired, revoked or corrected.

    The record keeps its content and history; no public surface shows it from
    `on` (default: today in Beijing). Idempotent for an already ended record.
    """
    if reason not in EndReason.values:
        raise DisclosureError(f"unknown end reason {reason!r}")
    on = on or periods.today()
    # Lock the row: a repair decision and an import revoking the same record
    # at the same moment must not both write an event.
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.ended_on is not None and record.ended_on <= on:
        return record
    before = snapshot(record)
    record.ended_on = on
    record.end_reason = reason
    record.save(update_fields=["ended_on", "end_reason", "updated_at"])
    DisclosureEvent.objects.create(
        record=record,
        subject_id=record.subject_id,
        action=DisclosureEvent.Action.ENDED,
        reason=reason,
        effective_on=on,
        actor=actor,
        note=note,
        before=before,
    )
    return record


@transaction.atomic
def listing_exit(
    *, listing: Listing, reason: ExitReason | str, on: dt.date | None = None, actor: str = "", note: str = ""
) -> Listing:
    """Take a subject off a list. A state change with a reason, never a delete."""
    if reason not in ExitReason.values:
        raise DisclosureError(f"unknown exit reason {reason!r}")
    on = on or periods.today()
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.exited_on is not None and listing.exited_on <= on:
        return listing
    if on < listing.entered_on:
        raise DisclosureError("a listing cannot exit before its entry date")
    before = snapshot(listing)
    listing.exited_on = on
    listing.exit_reason = reason
    listing.save(update_fields=["exited_on", "exit_reason", "updated_at"])
    DisclosureEvent.objects.create(
        listing=listing,
        subject_id=listing.subject_id,
        action=DisclosureEvent.Action.ENDED,
        reason=reason,
        effective_on=on,
        actor=actor,
        note=note,
        before=before,
    )
    return listing


@transaction.atomic
def record_correct(*, record: Record, changes: dict[str, Any], actor: str, note: str) -> Record:
    """Correct a record's content after an objection; the old version is kept.

    Only content fields may change; the disclosure dates follow the catalogue.
    """
    allowed = {"document_no", "decided_on", "summary", "severity", "authority", "valid_until", "category"}
    unknown = set(changes) - allowed
    if unknown:
        raise DisclosureError(f"these fields cannot be corrected: {', '.join(sorted(unknown))}")
    record = Record.objects.select_for_update().select_related("category").get(pk=record.pk)
    before = snapshot(record)
    for field, value in changes.items():
        setattr(record, field, value)
    record.apply_catalogue()
    try:
        record.full_clean(exclude=["import_run"])
    except ValidationError as exc:
        raise DisclosureError("; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())) from exc
    record.save()
    DisclosureEvent.objects.create(
        record=record,
        subject_id=record.subject_id,
        action=DisclosureEvent.Action.UPDATED,
        reason=EndReason.CORRECTED,
        effective_on=periods.today(),
        actor=actor,
        note=note,
        before=before,
    )
    return record


@transaction.atomic
def category_update_rules(*, category: Category, actor: str = "", batch_size: int = 2000, **rules: Any) -> int:
    """Change a category's disclosure rules; existing records follow.

    The derived dates are stored on records (so the public query is a plain
    indexed comparison) and recomputed here, in the same transaction, for
    every record of the category. Returns the number of records updated.
    """
    for field, value in rules.items():
        if not hasattr(category, field):
            raise DisclosureError(f"unknown catalogue field {field!r}")
        setattr(category, field, value)
    try:
        category.full_clean()
    except ValidationError as exc:
        raise DisclosureError("; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())) from exc
    category.save()
    return category_recompute_records(category=category, batch_size=batch_size, actor=actor)


def category_recompute_records(*, category: Category, batch_size: int = 2000, actor: str = "") -> int:
    """Recompute the stored dates; each record whose period moved gets an
    `updated` event carrying its previous version, so that agencies learn
    that a record stopped (or started) being disclosed under the new rules."""
    changed: list[tuple[Record, dict[str, Any]]] = []
    count = 0

    def flush() -> None:
        Record.objects.bulk_update(
            [record for record, _ in changed], ["publishable", "disclosure_until", "repairable_from"]
        )
        DisclosureEvent.objects.bulk_create(
            DisclosureEvent(
                record=record,
                subject_id=record.subject_id,
                action=DisclosureEvent.Action.UPDATED,
                effective_on=periods.today(),
                actor=actor,
                note=f"catalogue rules of {category.code} changed",
                before=before,
            )
            for record, before in changed
        )

    for record in Record.objects.filter(category=category).iterator(chunk_size=batch_size):
        before = snapshot(record)
        record.category = category
        record.apply_catalogue()
        if (record.publishable, record.disclosure_until, record.repairable_from) != (
            before["publishable"],
            before["disclosure_until"] and dt.date.fromisoformat(before["disclosure_until"]),
            before["repairable_from"] and dt.date.fromisoformat(before["repairable_from"]),
        ):
            changed.append((record, before))
        if len(changed) >= batch_size:
            flush()
            count += len(changed)
            changed = []
    if changed:
        flush()
        count += len(changed)
    return count


@transaction.atomic
def commitment_record_create(
    *,
    subject: Any,
    text: str,
    authority: Any,
    decided_on: dt.date,
    actor: str,
    document_no: str = "",
    source_id: str = "",
) -> Record:
    """Publish a credit commitment (信用承诺书) as a record in `credit_commitment`.

    Written by the repair workflow in the same transaction as the approval;
    the catalogue decides how long it is disclosed. `source_id` is unique
    within the "portal" source (a random one when not given).
    """
    import secrets

    from django.utils import timezone

    category = Category.objects.get(code="credit_commitment")
    record = Record(
        subject=subject,
        category=category,
        severity="",
        document_no=document_no or f"commitment-{decided_on.isoformat()}",
        decided_on=decided_on,
        authority=authority,
        summary=text,
        source="portal",
        source_id=source_id or f"commitment-{secrets.token_hex(8)}",
        arrived_at=timezone.now(),
    )
    record.apply_catalogue()
    record.save()
    DisclosureEvent.objects.create(
        record=record,
        subject_id=record.subject_id,
        action=DisclosureEvent.Action.CREATED,
        effective_on=decided_on,
        actor=actor,
        note="credit commitment",
    )
    return record
