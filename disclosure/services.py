"""Writes to the disclosed data. Views, admin and commands call these."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.services import audit_record
from disclosure import periods
from disclosure.models import (
    RESTORED,
    CacheGeneration,
    Category,
    CreditList,
    DisclosureEvent,
    EndReason,
    ExitReason,
    Listing,
    Polarity,
    Record,
    Shield,
    Subject,
)


class DisclosureError(Exception):
    """An application error with a message meant for the user."""


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())
    return "; ".join(exc.messages)


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
    audit_record(
        action="disclosure.record.end",
        target=record,
        actor=actor or None,
        summary=f"{record.document_no}: {reason} {note}".strip(),
        before={"ended_on": before["ended_on"], "end_reason": before["end_reason"]},
        after={"ended_on": on, "end_reason": reason},
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
    audit_record(
        action="disclosure.listing.exit",
        target=listing,
        actor=actor or None,
        summary=f"{listing.document_no}: {reason} {note}".strip(),
        before={"exited_on": before["exited_on"], "exit_reason": before["exit_reason"]},
        after={"exited_on": on, "exit_reason": reason},
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
    after = snapshot(record)
    audit_record(
        action="disclosure.record.correct",
        target=record,
        actor=actor or None,
        summary=note,
        before={field: before[field] for field in after if before.get(field) != after[field]},
        after={field: after[field] for field in after if before.get(field) != after[field]},
    )
    return record


@transaction.atomic
def category_update_rules(*, category: Category, actor: str = "", batch_size: int = 2000, **rules: Any) -> int:
    """Change a category's disclosure rules; existing records follow.

    The derived dates are stored on records (so the public query is a plain
    indexed comparison) and recomputed here, in the same transaction, for
    every record of the category. Returns the number of records updated.
    """
    stored = Category.objects.filter(pk=category.pk).first()
    before = {}
    for field, value in rules.items():
        if not hasattr(category, field):
            raise DisclosureError(f"unknown catalogue field {field!r}")
        before[field] = getattr(stored, field, None)
        setattr(category, field, value)
    try:
        category.full_clean()
    except ValidationError as exc:
        raise DisclosureError(_validation_message(exc)) from exc
    category.save()
    count = category_recompute_records(category=category, batch_size=batch_size, actor=actor)
    audit_record(
        action="disclosure.category.change",
        target=category,
        actor=actor or None,
        summary=f"{category.code}: {count} records recomputed",
        before=before,
        after={**rules, "records_recomputed": count},
    )
    return count


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


def _event(
    obj: Record | Listing, *, action: str, on: dt.date, actor: str, note: str = "", reason: str = "", before=None
) -> DisclosureEvent:
    """The change-feed event of a change made by hand, and its audit entry."""
    audit_record(
        action=f"disclosure.{obj._meta.model_name}.{action}",
        target=obj,
        actor=actor or None,
        summary=f"{obj.document_no}: {reason or action} {note}".strip(),
        before=before,
        after=snapshot(obj),
    )
    return DisclosureEvent.objects.create(
        record=obj if isinstance(obj, Record) else None,
        listing=obj if isinstance(obj, Listing) else None,
        subject_id=obj.subject_id,
        action=action,
        reason=reason,
        effective_on=on,
        actor=actor,
        note=note,
        before=before,
    )


@transaction.atomic
def commitment_record_create(
    *,
    subject: Subject,
    text: str,
    authority: Any,
    decided_on: dt.date,
    actor: str,
    document_no: str = "",
    source_id: str = "",
    until_cap: dt.date | None = None,
) -> Record:
    """Publish the credit commitment (信用承诺书) of a repair as a record.

    Written by the repair workflow in the same transaction as the approval.
    It is disclosed for the catalogue's period of `credit_commitment`, but
    never past `until_cap`, the last day the repaired items would have been
    disclosed (DESIGN.md, natural persons: a commitment never keeps anyone
    public longer than the repaired item's own maximum), and it never makes
    a subject public by itself (selectors.subjects_public).
    """
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
        is_repair_commitment=True,
        disclosure_cap=until_cap,
    )
    record.apply_catalogue()
    record.save()
    _event(record, action=DisclosureEvent.Action.CREATED, on=decided_on, actor=actor, note="credit commitment")
    return record


@transaction.atomic
def record_publish(*, record: Record, actor: str, note: str = "") -> Record:
    """Add one record by hand (back office): derived dates, validation, event."""
    record.arrived_at = record.arrived_at or timezone.now()
    record.apply_catalogue()
    try:
        record.full_clean(exclude=["import_run"])
    except ValidationError as exc:
        raise DisclosureError(_validation_message(exc)) from exc
    record.save()
    _event(record, action=DisclosureEvent.Action.CREATED, on=periods.today(), actor=actor, note=note)
    return record


@transaction.atomic
def listing_publish(*, listing: Listing, actor: str, note: str = "") -> Listing:
    """Add one listing by hand (back office): derived last day, validation, event."""
    listing.arrived_at = listing.arrived_at or timezone.now()
    listing.apply_list()
    try:
        listing.full_clean(exclude=["import_run"])
    except ValidationError as exc:
        raise DisclosureError(_validation_message(exc)) from exc
    listing.save()
    _event(listing, action=DisclosureEvent.Action.CREATED, on=periods.today(), actor=actor, note=note)
    return listing


LISTING_CHANGEABLE = frozenset({"reason", "authority", "document_no", "planned_exit_on", "entered_on", "credit_list"})


@transaction.atomic
def listing_update(*, listing: Listing, changes: dict[str, Any], actor: str, note: str = "") -> Listing:
    """Change a listing's content or planned exit; the old version is kept.

    The last day on the list is derived again, and an `updated` event tells
    agencies (期限一致) — also when the change takes the listing off the list.
    """
    unknown = set(changes) - LISTING_CHANGEABLE
    if unknown:
        raise DisclosureError(f"these fields cannot be changed: {', '.join(sorted(unknown))}")
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    before = snapshot(listing)
    for field, value in changes.items():
        setattr(listing, field, value)
    listing.apply_list()
    try:
        listing.full_clean(exclude=["import_run"])
    except ValidationError as exc:
        raise DisclosureError(_validation_message(exc)) from exc
    if snapshot(listing) == before:
        return listing
    listing.save()
    _event(listing, action=DisclosureEvent.Action.UPDATED, on=periods.today(), actor=actor, note=note, before=before)
    return listing


@transaction.atomic
def credit_list_update_rules(
    *, credit_list: CreditList, actor: str, basis: str = "", batch_size: int = 2000, **rules: Any
) -> int:
    """Change a list's rules; every listing of the list follows.

    A new maximum period needs its legal basis (国办发〔2025〕22号: serious
    dishonesty at most 3 years "unless a law or administrative regulation
    provides otherwise"), stored on the list. Each listing whose last day
    moved gets an `updated` event. Returns the number of listings updated.
    """
    credit_list = CreditList.objects.select_for_update().get(pk=credit_list.pk)
    old_max = credit_list.max_months
    before = {field: getattr(credit_list, field, None) for field in rules}
    for field, value in rules.items():
        if field not in {f.name for f in CreditList._meta.fields} or field in {"id", "code"}:
            raise DisclosureError(f"unknown list field {field!r}")
        setattr(credit_list, field, value)
    if credit_list.max_months != old_max:
        if not basis.strip():
            raise DisclosureError("max_months_basis: record the legal basis of the new maximum period")
        credit_list.max_months_basis = basis.strip()
    try:
        credit_list.full_clean()
    except ValidationError as exc:
        raise DisclosureError(_validation_message(exc)) from exc
    credit_list.save()
    count = credit_list_recompute_listings(credit_list=credit_list, actor=actor, batch_size=batch_size)
    audit_record(
        action="disclosure.creditlist.change",
        target=credit_list,
        actor=actor or None,
        summary=f"{credit_list.code}: {count} listings recomputed",
        before=before,
        after={**rules, "max_months_basis": credit_list.max_months_basis, "listings_recomputed": count},
    )
    return count


def credit_list_recompute_listings(*, credit_list: CreditList, actor: str = "", batch_size: int = 2000) -> int:
    changed: list[tuple[Listing, dict[str, Any]]] = []
    count = 0

    def flush() -> None:
        Listing.objects.bulk_update([listing for listing, _ in changed], ["disclosure_until"])
        DisclosureEvent.objects.bulk_create(
            DisclosureEvent(
                listing=listing,
                subject_id=listing.subject_id,
                action=DisclosureEvent.Action.UPDATED,
                effective_on=periods.today(),
                actor=actor,
                note=f"rules of list {credit_list.code} changed",
                before=before,
            )
            for listing, before in changed
        )

    for listing in Listing.objects.filter(credit_list=credit_list).iterator(chunk_size=batch_size):
        before = snapshot(listing)
        listing.credit_list = credit_list
        listing.apply_list()
        if listing.disclosure_until != (
            before["disclosure_until"] and dt.date.fromisoformat(before["disclosure_until"])
        ):
            changed.append((listing, before))
        if len(changed) >= batch_size:
            flush()
            count += len(changed)
            changed = []
    if changed:
        flush()
        count += len(changed)
    return count


@transaction.atomic
def record_restore_disclosure(
    *, record: Record, from_reasons: tuple[str, ...], actor: str, note: str, on: dt.date | None = None
) -> bool:
    """Put back a record whose disclosure ended for one of `from_reasons`.

    For the rest of its original period only: the stored last day is kept,
    so a record whose period ran out meanwhile stays ended. A `disclosed`
    event with reason `restored` tells agencies. True when restored.
    """
    on = on or periods.today()
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.ended_on is None or record.end_reason not in from_reasons:
        return False
    before = snapshot(record)
    record.ended_on = None
    record.end_reason = ""
    record.save(update_fields=["ended_on", "end_reason", "updated_at"])
    if not Record.objects.disclosed_on(on).filter(pk=record.pk).exists():
        # Nothing public comes back (period over); the history still says why.
        _event(record, action=DisclosureEvent.Action.UPDATED, on=on, actor=actor, note=note, before=before)
        return False
    _event(
        record, action=DisclosureEvent.Action.DISCLOSED, on=on, actor=actor, note=note, reason=RESTORED, before=before
    )
    return True


@transaction.atomic
def listing_restore(
    *, listing: Listing, from_reasons: tuple[str, ...], actor: str, note: str, on: dt.date | None = None
) -> bool:
    """Put a subject back on a list it left for one of `from_reasons`, for the
    rest of the listing's period (see record_restore_disclosure)."""
    on = on or periods.today()
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.exited_on is None or listing.exit_reason not in from_reasons:
        return False
    before = snapshot(listing)
    listing.exited_on = None
    listing.exit_reason = ""
    listing.save(update_fields=["exited_on", "exit_reason", "updated_at"])
    if not Listing.objects.disclosed_on(on).filter(pk=listing.pk).exists():
        _event(listing, action=DisclosureEvent.Action.UPDATED, on=on, actor=actor, note=note, before=before)
        return False
    _event(
        listing, action=DisclosureEvent.Action.DISCLOSED, on=on, actor=actor, note=note, reason=RESTORED, before=before
    )
    return True


# --- Bankruptcy restructuring: temporary shield (暂时屏蔽) ---------------------


@transaction.atomic
def shield_start(
    *, subject: Subject, ruling: str, court: str, document_no: str, ruled_on: dt.date, actor: str, note: str = ""
) -> Shield:
    """Shield a subject's disclosed negative records and listings on a court
    ruling approving a restructuring plan or a settlement.

    Each item's disclosure ends with the reason `shielded` (an event each), so
    the public rule is unchanged; positive information stays disclosed.
    """
    if ruling not in Shield.Ruling.values:
        raise DisclosureError("choose the court ruling")
    if not court.strip() or not document_no.strip():
        raise DisclosureError("the court and the ruling number are required")
    today = periods.today()
    if ruled_on > today:
        raise DisclosureError("the ruling date is in the future")
    # Lock the subject: two staff shielding at once make one shield.
    Subject.objects.select_for_update().get(pk=subject.pk)
    if Shield.objects.filter(subject=subject, ended_on__isnull=True).exists():
        raise DisclosureError("this subject is already shielded")
    shield = Shield.objects.create(
        subject=subject,
        ruling=ruling,
        court=court.strip(),
        document_no=document_no.strip(),
        ruled_on=ruled_on,
        started_on=today,
        started_by=actor,
        note=note,
    )
    audit_record(
        action="disclosure.shield.start",
        target=shield,
        actor=actor or None,
        summary=f"{subject}: {document_no.strip()}",
        after={"ruling": ruling, "court": court.strip(), "document_no": document_no.strip(), "ruled_on": ruled_on},
    )
    label = f"shield {document_no.strip()}"
    for record in Record.objects.disclosed_on(today).filter(subject=subject, category__polarity=Polarity.NEGATIVE):
        record_end_disclosure(record=record, reason=EndReason.SHIELDED, on=today, actor=actor, note=label)
    for listing in Listing.objects.disclosed_on(today).filter(subject=subject, credit_list__polarity=Polarity.NEGATIVE):
        listing_exit(listing=listing, reason=ExitReason.SHIELDED, on=today, actor=actor, note=label)
    return shield


@transaction.atomic
def shield_end(*, shield: Shield, outcome: str, actor: str, note: str = "") -> Shield:
    """End a shield: a failed plan restores what was shielded for the rest of
    its period; a plan carried out leaves it ended, now as repaired."""
    if outcome not in Shield.Outcome.values:
        raise DisclosureError("choose the outcome of the plan")
    shield = Shield.objects.select_for_update().get(pk=shield.pk)
    if shield.ended_on is not None:
        raise DisclosureError("this shield has already ended")
    today = periods.today()
    label = f"shield {shield.document_no}: {Shield.Outcome(outcome).label}"
    records = Record.objects.filter(subject=shield.subject, end_reason=EndReason.SHIELDED)
    listings = Listing.objects.filter(subject=shield.subject, exit_reason=ExitReason.SHIELDED)
    if outcome == Shield.Outcome.FAILED:
        for record in records:
            record_restore_disclosure(
                record=record, from_reasons=(EndReason.SHIELDED,), actor=actor, note=label, on=today
            )
        for listing in listings:
            listing_restore(listing=listing, from_reasons=(ExitReason.SHIELDED,), actor=actor, note=label, on=today)
    else:
        for obj in [*records.select_for_update(), *listings.select_for_update()]:
            before = snapshot(obj)
            if isinstance(obj, Record):
                obj.end_reason = EndReason.REPAIRED
                obj.save(update_fields=["end_reason", "updated_at"])
            else:
                obj.exit_reason = ExitReason.REPAIRED
                obj.save(update_fields=["exit_reason", "updated_at"])
            _event(obj, action=DisclosureEvent.Action.UPDATED, on=today, actor=actor, note=label, before=before)
    shield.ended_on = today
    shield.outcome = outcome
    shield.ended_by = actor
    if note:
        shield.note = f"{shield.note}\n{note}".strip()
    shield.save()
    audit_record(
        action="disclosure.shield.end",
        target=shield,
        actor=actor or None,
        summary=label,
        after={"outcome": outcome, "ended_on": today},
    )
    return shield
