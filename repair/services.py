"""The repair and objection workflow (NDRC Order 36, 信用修复管理办法).

The allowed moves are one table, TRANSITIONS; the only way to change a
case's status is case_transition(), which locks the row, checks the move
against the table *after* the lock, saves, and writes a CaseEvent, in one
transaction with the effects on the disclosed data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.files import sniff_upload, stored_name
from accounts.selectors import staff_authority, subjects_related, user_may_act_for
from audit.services import audit_record
from disclosure import periods
from disclosure.models import EndReason, ExitReason, Listing, Record, Subject, SubjectType
from disclosure.services import (
    DisclosureError,
    commitment_record_create,
    listing_exit,
    listing_restore,
    listing_update,
    record_correct,
    record_end_disclosure,
    record_restore_disclosure,
)
from repair import workdays
from repair.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseItem,
    CaseReminder,
    Evidence,
    Ground,
    Kind,
    OfficialDay,
    OfficialYear,
    Status,
)
from repair.selectors import Repairability, objection_targets, subject_repair_check

# 国办发〔2025〕22号 §六 as Credit China applies it: the applicant has the
# result within 10 working days of the application; the deciding authority
# decides within 3 working days of receiving the complete application, so
# the credit centre accepts within the 7 before. A complex case may be
# extended once (by EXTENSION_WORKDAYS, with a reason sent to the applicant).
RESULT_WORKDAYS = 10
DECISION_WORKDAYS = 3
FEEDBACK_WORKDAYS = RESULT_WORKDAYS - DECISION_WORKDAYS
EXTENSION_WORKDAYS = 10


class RepairError(Exception):
    """An application error with a message meant for the user."""


class InvalidTransition(RepairError):
    """The move is not in TRANSITIONS for the case's current status."""


# (kind, from) -> the statuses a case may move to.
TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
    (Kind.REPAIR, Status.SUBMITTED): (Status.ACCEPTED, Status.NOT_ACCEPTED, Status.WITHDRAWN),
    (Kind.REPAIR, Status.ACCEPTED): (Status.REPAIRED, Status.REFUSED, Status.WITHDRAWN),
    (Kind.REPAIR, Status.REPAIRED): (Status.REPAIR_REVOKED,),
    (Kind.OBJECTION, Status.SUBMITTED): (Status.ACCEPTED, Status.NOT_ACCEPTED, Status.WITHDRAWN),
    (Kind.OBJECTION, Status.ACCEPTED): (
        Status.CORRECTED,
        Status.RECORD_WITHDRAWN,
        Status.REFUSED,
        Status.WITHDRAWN,
    ),
}

# Who may make each move: a permission, or the applicant themself (None).
PERMISSION_FOR: dict[str, str | None] = {
    Status.ACCEPTED: "repair.accept_case",
    Status.NOT_ACCEPTED: "repair.accept_case",
    Status.REPAIRED: "repair.decide_case",
    Status.REFUSED: "repair.decide_case",
    Status.CORRECTED: "repair.decide_case",
    Status.RECORD_WITHDRAWN: "repair.decide_case",
    Status.WITHDRAWN: None,
    Status.REPAIR_REVOKED: "repair.decide_case",
}

REASON_REQUIRED = frozenset({Status.NOT_ACCEPTED, Status.REFUSED, Status.REPAIR_REVOKED})


def _mail_later(*, to: str, subject: str, body: str) -> None:
    if not to:
        return
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False))


def _case_url(case: Case) -> str:
    return settings.SITE_URL + reverse("repair:case", kwargs={"tracking_no": case.tracking_no})


def commitment_text(*, subject: Subject, on: dt.date) -> str:
    """The standard credit commitment (信用承诺书) filled with the subject's details.

    A legal text in the official language, stored as confirmed and published
    as a credit_commitment record when the repair is approved.
    """
    if subject.subject_type == SubjectType.NATURAL_PERSON:
        # A person's identity number is never published in full (DESIGN.md).
        who, signer = f"本人{subject.name}（身份证号码：{subject.masked_identity_number}）", f"承诺人：{subject.name}"
    else:
        who = (
            f"本单位{subject.name}（统一社会信用代码：{subject.uscc}，"
            f"法定代表人：{subject.legal_representative or '—'}）"
        )
        signer = f"承诺单位：{subject.name}"
    return (
        "信用承诺书\n\n"
        f"{who}就本次申请信用修复的失信信息郑重承诺：\n"
        "一、已纠正相关失信行为，履行了法定责任和义务，所提交的材料真实、合法、有效；\n"
        "二、自觉遵守法律法规，诚信经营，不再发生同类失信行为；\n"
        "三、如违背承诺，自愿接受有关部门依法依规实施的失信惩戒，并承担相应法律责任；\n"
        "四、同意将本承诺书作为公共信用信息予以公示。\n\n"
        f"{signer}\n"
        f"承诺日期：{on.year}年{on.month}月{on.day}日"
    )


def _check_uploads(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    checked = []
    for upload in files:
        try:
            checked.append((upload, sniff_upload(upload)))
        except ValidationError as exc:
            raise RepairError(" ".join(exc.messages)) from None
    return checked


def _attach_evidence(case: Case, checked: list[tuple[UploadedFile, str]]) -> None:
    for upload, mime in checked:
        evidence = Evidence(case=case, content_type=mime, original_name=upload.name[:255], size=upload.size or 0)
        evidence.file.save(stored_name("evidence", mime), upload, save=False)
        evidence.save()


def _file_case(
    *,
    token: uuid.UUID,
    applicant: AbstractBaseUser,
    fields: dict[str, Any],
    items: list[dict[str, Any]],
    checked: list[tuple[UploadedFile, str]],
) -> Case:
    """Create the case, or return the one this token already filed (double submit)."""
    existing = Case.objects.filter(applicant=applicant, submission_token=token).first()
    if existing is not None:
        return existing
    now = timezone.now()
    try:
        with transaction.atomic():
            filed_on = periods.beijing_date(now)
            case = Case.objects.create(
                applicant=applicant,
                submission_token=token,
                feedback_due=workdays.add_workdays(filed_on, FEEDBACK_WORKDAYS),
                result_due=workdays.add_workdays(filed_on, RESULT_WORKDAYS),
                **fields,
            )
            CaseItem.objects.bulk_create(CaseItem(case=case, **item) for item in items)
            _attach_evidence(case, checked)
            CaseEvent.objects.create(case=case, actor=applicant, old_status="", new_status=Status.SUBMITTED)
            audit_record(
                action="repair.case.submit",
                target=case,
                actor=applicant,
                summary=f"{case.tracking_no}: {case.get_kind_display()} ({case.subject})",
                after={
                    "kind": case.kind,
                    "subject": case.subject_id,
                    "items": [
                        {
                            "record": item.get("record") and item["record"].pk,
                            "listing": item.get("listing") and item["listing"].pk,
                        }
                        for item in items
                    ],
                    "evidence": len(checked),
                },
            )
    except IntegrityError:
        existing = Case.objects.filter(applicant=applicant, submission_token=token).first()
        if existing is not None:
            return existing
        raise RepairError(_("One of the selected items is already part of an open application.")) from None
    with translation.override(settings.LANGUAGE_CODE):
        _received_mail(case, applicant)
    return case


def _received_mail(case: Case, applicant: AbstractBaseUser) -> None:
    _mail_later(
        to=applicant.email,
        subject=_("Your application %(tracking_no)s was received") % {"tracking_no": case.tracking_no},
        body=_(
            "We received your %(kind)s about %(subject)s.\n"
            "Tracking number: %(tracking_no)s\n"
            "You will have the result by %(due)s.\n\n%(url)s\n"
        )
        % {
            "kind": case.get_kind_display(),
            "subject": case.subject.name,
            "tracking_no": case.tracking_no,
            "due": case.result_due.isoformat(),
            "url": _case_url(case),
        },
    )


@transaction.atomic
def repair_application_submit(
    *,
    applicant: AbstractBaseUser,
    subject: Subject,
    items: Sequence[str],
    statement: str,
    evidence: Sequence[UploadedFile],
    commitment_confirmed: bool,
    token: uuid.UUID,
) -> Case:
    """File a credit repair application; returns the same case for a repeated token.

    `items` are values "record-<id>" / "listing-<id>" from the self-check; each
    must be repairable now (NDRC Order 36: minimum period over, category
    repairable, not already under an open application).
    """
    existing = Case.objects.filter(applicant=applicant, submission_token=token).first()
    if existing is not None:
        return existing
    if not user_may_act_for(user=applicant, subject=subject):
        raise RepairError(_("You are not approved to act for this subject."))
    if not statement.strip():
        raise RepairError(_("Describe how the behaviour was corrected and the obligations fulfilled."))
    if not commitment_confirmed:
        raise RepairError(_("The credit commitment must be confirmed."))
    if not evidence:
        raise RepairError(_("Upload evidence that the obligations are fulfilled."))
    if not items:
        raise RepairError(_("Select at least one record or listing to repair."))
    check = {item.value: item for item in subject_repair_check(subject=subject, show_cases=True)}
    chosen = []
    for value in dict.fromkeys(items):
        item = check.get(value)
        if item is None:
            raise RepairError(_("One of the selected items is not disclosed about this subject."))
        if item.state == Repairability.IN_CASE:
            # The same form submitted twice at once: the other request filed it meanwhile.
            if existing := Case.objects.filter(applicant=applicant, submission_token=token).first():
                return existing
            raise RepairError(_("One of the selected items is already part of an open application."))
        if item.state == Repairability.LATER:
            raise RepairError(
                _("%(item)s can be repaired only from %(date)s.")
                % {"item": item.obj.document_no or item.obj, "date": item.repairable_from.isoformat()}
            )
        if item.state != Repairability.NOW:
            raise RepairError(_("%(item)s cannot be repaired.") % {"item": item.obj.document_no or item.obj})
        chosen.append(item)
    authorities = {item.authority.pk for item in chosen}
    if len(authorities) > 1:
        raise RepairError(
            _("The selected items were decided by different authorities; file one application per authority.")
        )
    checked = _check_uploads(evidence)
    return _file_case(
        token=token,
        applicant=applicant,
        fields={
            "kind": Kind.REPAIR,
            "subject": subject,
            "authority": chosen[0].authority,
            "statement": statement.strip(),
            "commitment_text": commitment_text(subject=subject, on=periods.today()),
            "commitment_confirmed_at": timezone.now(),
        },
        items=[{"record": item.record, "listing": item.listing} for item in chosen],
        checked=checked,
    )


@transaction.atomic
def objection_submit(
    *,
    applicant: AbstractBaseUser,
    subject: Subject,
    ground: str,
    statement: str,
    evidence: Sequence[UploadedFile],
    token: uuid.UUID,
    record: Record | None = None,
    listing: Listing | None = None,
    repair_case: Case | None = None,
) -> Case:
    """Object (异议申诉) to a disclosed record, a current listing, a disclosure
    period (grounds `past_period` / `wrong_period`) or the result of a refused
    repair application (`repair_result`): exactly one of the three."""
    existing = Case.objects.filter(applicant=applicant, submission_token=token).first()
    if existing is not None:
        return existing
    if not user_may_act_for(user=applicant, subject=subject):
        raise RepairError(_("You are not approved to act for this subject."))
    if ground not in Ground.values:
        raise RepairError(_("Choose the ground of the objection."))
    if not statement.strip():
        raise RepairError(_("Explain the objection."))
    if sum(x is not None for x in (record, listing, repair_case)) != 1:
        raise RepairError(_("Choose what the objection is about."))
    objectable = objection_targets(subject=subject)
    fields: dict[str, Any] = {
        "kind": Kind.OBJECTION,
        "subject": subject,
        "statement": statement.strip(),
        "ground": ground,
    }
    if repair_case is not None:
        if ground != Ground.REPAIR_RESULT:
            raise RepairError(_("An objection to a repair result has the ground “the result is wrong”."))
        if repair_case.pk not in {c.pk for c in objectable.cases}:
            raise RepairError(_("This repair result cannot be objected to, or an objection to it is under review."))
        items = [{"record": i.record, "listing": i.listing} for i in repair_case.items.all()]
        fields.update(authority=repair_case.authority, objected_case=repair_case)
    else:
        target = record or listing
        allowed = objectable.records if record is not None else objectable.listings
        if ground == Ground.REPAIR_RESULT:
            raise RepairError(_("Choose the repair application whose result is wrong."))
        if target.subject_id != subject.pk or target.pk not in {x.pk for x in allowed}:
            if existing := Case.objects.filter(applicant=applicant, submission_token=token).first():
                return existing  # the same form submitted twice at once
            raise RepairError(_("This record is not disclosed about this subject, or it is already under review."))
        items = [{"record": record, "listing": listing}]
        fields["authority"] = target.authority
    checked = _check_uploads(evidence)
    return _file_case(token=token, applicant=applicant, fields=fields, items=items, checked=checked)


def _check_actor(case: Case, to: str, actor: AbstractBaseUser) -> None:
    permission = PERMISSION_FOR[to]
    if permission is None:
        if case.applicant_id != actor.pk:
            raise RepairError(_("Only the applicant can withdraw this case."))
        return
    if not actor.is_staff or not actor.has_perm(permission):
        raise RepairError(_("You are not allowed to do this."))
    if case.applicant_id == actor.pk or subjects_related(user=actor).filter(pk=case.subject_id).exists():
        raise RepairError(_("You cannot review a case about a subject you act for."))
    if permission == "repair.decide_case":
        # 谁认定、谁修复: only the authority that made the finding decides.
        if staff_authority(user=actor) != case.authority:
            raise RepairError(
                _("Only reviewers of %(authority)s can decide this case.") % {"authority": case.authority}
            )


def _commitment_cap(items: Sequence[CaseItem]) -> dt.date | None:
    """The last day the repaired items would have been disclosed without the
    repair: the commitment is never disclosed beyond it (DESIGN.md)."""
    ends = [(item.record or item.listing).disclosure_until for item in items]
    return max(ends) if ends and None not in ends else None


def _apply_outcome(case: Case, to: str, actor: AbstractBaseUser, note: str, changes: dict[str, Any] | None) -> None:
    """Effects on the disclosed data, in the same transaction as the decision."""
    actor_name = actor.get_username()
    items = list(case.items.select_related("record", "listing"))
    label = f"objection {case.tracking_no}: {note}"
    try:
        if to == Status.REPAIRED or (to == Status.CORRECTED and case.objected_case_id):
            # A repair approved, or a refused repair granted on objection.
            _grant_repair(case, items, actor_name)
        elif to == Status.CORRECTED:
            if not changes:
                raise RepairError(_("Enter the corrected content of the record."))
            for item in items:
                if item.record is not None:
                    record_correct(record=item.record, changes=changes, actor=actor_name, note=label)
                else:
                    listing_update(listing=item.listing, changes=changes, actor=actor_name, note=label)
        elif to == Status.RECORD_WITHDRAWN:
            for item in items:
                if item.record is not None:
                    record_end_disclosure(record=item.record, reason=EndReason.CORRECTED, actor=actor_name, note=label)
                else:
                    listing_exit(listing=item.listing, reason=ExitReason.CORRECTED, actor=actor_name, note=label)
        elif to == Status.REPAIR_REVOKED:
            # Obtained by fraud: what the repair ended is disclosed again for
            # the rest of its original period (its stored last day).
            revoked = f"repair {case.tracking_no} revoked: {note}"
            for item in items:
                if item.record is not None:
                    record_restore_disclosure(
                        record=item.record, from_reasons=(EndReason.REPAIRED,), actor=actor_name, note=revoked
                    )
                else:
                    listing_restore(
                        listing=item.listing, from_reasons=(ExitReason.REPAIRED,), actor=actor_name, note=revoked
                    )
    except DisclosureError as exc:
        raise RepairError(str(exc)) from exc


def _grant_repair(case: Case, items: list[CaseItem], actor_name: str) -> None:
    label = f"credit repair {case.tracking_no}"
    for item in items:
        if item.record is not None:
            record_end_disclosure(record=item.record, reason=EndReason.REPAIRED, actor=actor_name, note=label)
        else:
            listing_exit(listing=item.listing, reason=ExitReason.REPAIRED, actor=actor_name, note=label)
    repaired = case.objected_case or case
    commitment = commitment_record_create(
        subject=case.subject,
        text=repaired.commitment_text,
        authority=case.authority,
        decided_on=periods.today(),
        actor=actor_name,
        document_no=repaired.tracking_no,
        source_id=f"repair-{case.tracking_no}",
        until_cap=_commitment_cap(items),
    )
    case.commitment_record = commitment


def _outcome_mail(case: Case) -> None:
    # In the portal's language (Chinese), whatever language the reviewer's page is in.
    with translation.override(settings.LANGUAGE_CODE):
        _outcome_mail_compose(case)


def _outcome_mail_compose(case: Case) -> None:
    texts = {
        Status.ACCEPTED: _("Your case %(tracking_no)s was accepted. A decision is due by %(due)s."),
        Status.REPAIR_REVOKED: _(
            "The credit repair %(tracking_no)s was revoked because it was obtained by fraud; the records and "
            "listings concerned are disclosed again for the rest of their period. Reason: %(reason)s"
        ),
        Status.NOT_ACCEPTED: _("Your case %(tracking_no)s was not accepted. Reason: %(reason)s"),
        Status.REPAIRED: _(
            "Your credit repair application %(tracking_no)s was approved: the records concerned are no longer "
            "disclosed and the subject has left the lists concerned."
        ),
        Status.REFUSED: _("Your case %(tracking_no)s was refused. Reason: %(reason)s"),
        Status.CORRECTED: _("Following your objection %(tracking_no)s the record was corrected."),
        Status.RECORD_WITHDRAWN: _(
            "Following your objection %(tracking_no)s the record was withdrawn and is no longer disclosed."
        ),
        Status.WITHDRAWN: _("Your case %(tracking_no)s was withdrawn."),
    }
    body = texts[case.status] % {
        "tracking_no": case.tracking_no,
        "reason": case.reason,
        "due": case.decision_due.isoformat() if case.decision_due else case.result_due.isoformat(),
    }
    if case.awaiting_materials:
        body += "\n" + _("Please add by %(date)s: %(materials)s") % {
            "date": case.materials_due.isoformat(),
            "materials": case.missing_materials,
        }
    if case.status in (Status.NOT_ACCEPTED, Status.REFUSED):
        body += "\n" + _("You may apply again once the reason has been removed.")
    _mail_later(
        to=case.applicant.email,
        subject=_("Case %(tracking_no)s: %(status)s")
        % {"tracking_no": case.tracking_no, "status": case.get_status_display()},
        body=body + "\n\n" + _case_url(case) + "\n",
    )


def case_transition(
    *,
    case: Case,
    to: str,
    actor: AbstractBaseUser,
    note: str = "",
    changes: dict[str, Any] | None = None,
    missing_materials: str = "",
    materials_due: dt.date | None = None,
) -> Case:
    """Move a case to `to`: the one way a status changes.

    Raises InvalidTransition when the move is not allowed from the current
    status, e.g. because another reviewer acted first, and RepairError when
    the actor may not make it or a required reason is missing.

    Accepting with `missing_materials` (容缺受理, 国办发〔2025〕22号 §五) lists
    what the applicant is to add by `materials_due`; the authority's 3
    working days then run from when the materials arrive.
    """
    note = note.strip()
    missing_materials = missing_materials.strip()
    if missing_materials and to != Status.ACCEPTED:
        raise RepairError(_("Missing materials are listed only when accepting."))
    if missing_materials and (materials_due is None or materials_due <= periods.today()):
        raise RepairError(_("Give a date in the future by which the missing materials are to be added."))
    with transaction.atomic():
        # Lock the row and check the move against the row *after* the lock:
        # of two reviewers acting at once, the second sees the first's result.
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("subject", "authority", "applicant")
            .get(pk=case.pk)
        )
        if to not in TRANSITIONS.get((locked.kind, locked.status), ()):
            last = locked.events.exclude(old_status=F("new_status")).select_related("actor").last()
            raise InvalidTransition(
                _("This case is already “%(status)s” (%(who)s, %(when)s); your action was not applied.")
                % {
                    "status": locked.get_status_display(),
                    "who": last.actor.get_username() if last and last.actor else "—",
                    "when": timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M") if last else "—",
                }
            )
        _check_actor(locked, to, actor)
        if to in REASON_REQUIRED and not note:
            raise RepairError(_("A reason is required."))
        old = locked.status
        now = timezone.now()
        locked.status = to
        if to == Status.ACCEPTED:
            locked.accepted_at = now
            if missing_materials:
                locked.missing_materials, locked.materials_due = missing_materials, materials_due
                locked.decision_due = None
            else:
                locked.decision_due = workdays.add_workdays(periods.beijing_date(now), DECISION_WORKDAYS)
        if to in REASON_REQUIRED:
            locked.reason = note
        if to not in OPEN_STATUSES:
            locked.closed_at = now
            # Frees the records and listings for a new application.
            locked.items.update(open=False)
        _apply_outcome(locked, to, actor, note, changes)
        locked.save()
        CaseEvent.objects.create(case=locked, actor=actor, old_status=old, new_status=to, note=note)
        audit_record(
            action="repair.case.transition",
            target=locked,
            actor=actor,
            summary=f"{locked.tracking_no}: {old} → {to}",
            before={"status": old},
            after={"status": to, "note": note, "changes": changes or None},
        )
        _outcome_mail(locked)
    return locked


@transaction.atomic
def case_note_add(*, case: Case, actor: AbstractBaseUser, note: str) -> CaseEvent:
    """A staff note or a traced-back source without a status change (recorded with who/when)."""
    if not note.strip():
        raise RepairError(_("The note is empty."))
    event = CaseEvent.objects.create(case=case, actor=actor, old_status=case.status, new_status=case.status, note=note)
    audit_record(action="repair.case.note", target=case, actor=actor, summary=note)
    return event


def case_extend(*, case: Case, actor: AbstractBaseUser, reason: str) -> Case:
    """Extend a complex case once (国办发〔2025〕22号 §六): the promised result
    date and the decision move by EXTENSION_WORKDAYS; the reason is recorded
    and mailed to the applicant."""
    reason = reason.strip()
    if not reason:
        raise RepairError(_("A reason is required."))
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("applicant", "authority").get(pk=case.pk)
        if not locked.is_open:
            raise RepairError(_("Only an open case can be extended."))
        if locked.extended_on is not None:
            raise RepairError(_("This case was already extended once, on %(day)s.") % {"day": locked.extended_on})
        _check_actor(locked, Status.REFUSED, actor)  # the deciding authority's reviewers
        calendar = workdays.Calendar()
        old = locked.result_due
        locked.result_due = workdays.add_workdays(old, EXTENSION_WORKDAYS, calendar=calendar)
        if locked.decision_due is not None:
            locked.decision_due = workdays.add_workdays(locked.decision_due, EXTENSION_WORKDAYS, calendar=calendar)
        locked.extended_on = periods.today()
        locked.extension_reason = reason
        locked.save(update_fields=["result_due", "decision_due", "extended_on", "extension_reason"])
        with translation.override(settings.LANGUAGE_CODE):
            note = _(
                "Extended once (complex case): the result is now due by %(new)s instead of %(old)s. Reason: %(reason)s"
            ) % {
                "new": locked.result_due.isoformat(),
                "old": old.isoformat(),
                "reason": reason,
            }
            CaseEvent.objects.create(
                case=locked, actor=actor, old_status=locked.status, new_status=locked.status, note=note
            )
            audit_record(
                action="repair.case.extend",
                target=locked,
                actor=actor,
                summary=f"{locked.tracking_no}: {reason}",
                before={"result_due": old},
                after={"result_due": locked.result_due, "decision_due": locked.decision_due},
            )
            _mail_later(
                to=locked.applicant.email,
                subject=_("Case %(tracking_no)s: extended") % {"tracking_no": locked.tracking_no},
                body=note + "\n\n" + _case_url(locked) + "\n",
            )
    return locked


def case_materials_supply(
    *, case: Case, applicant: AbstractBaseUser, evidence: Sequence[UploadedFile], note: str = ""
) -> Case:
    """The applicant adds the materials listed at acceptance (容缺受理): the
    authority's 3 working days run from today, and the promised result date
    moves no earlier than that."""
    if not evidence:
        raise RepairError(_("Upload the missing materials."))
    checked = _check_uploads(evidence)
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if locked.applicant_id != applicant.pk:
            raise RepairError(_("Only the applicant can add materials to this case."))
        if not locked.awaiting_materials:
            raise RepairError(_("This case is not waiting for materials."))
        now = timezone.now()
        _attach_evidence(locked, checked)
        locked.materials_received_at = now
        locked.decision_due = workdays.add_workdays(periods.beijing_date(now), DECISION_WORKDAYS)
        locked.result_due = max(locked.result_due, locked.decision_due)
        locked.save(update_fields=["materials_received_at", "decision_due", "result_due"])
        with translation.override(settings.LANGUAGE_CODE):
            text = _("Missing materials added; the decision is due by %(due)s.") % {"due": locked.decision_due}
        CaseEvent.objects.create(
            case=locked,
            actor=applicant,
            old_status=locked.status,
            new_status=locked.status,
            note=f"{text} {note.strip()}".strip(),
        )
        audit_record(
            action="repair.case.materials",
            target=locked,
            actor=applicant,
            summary=f"{locked.tracking_no}: {len(checked)} files",
            after={"decision_due": locked.decision_due, "result_due": locked.result_due},
        )
    return locked


def reminders_send(*, today: dt.date | None = None) -> int:
    """Remind reviewers of open cases due by the next working day or overdue.

    Re-runnable and safe to run twice at once: the unique (case, day) row is
    created before mailing, so each case is reminded at most once a day.
    """
    day = today or periods.today()
    horizon = workdays.next_workday(day)
    due = Case.objects.filter(
        Q(status=Status.SUBMITTED, feedback_due__lte=horizon)
        | Q(status=Status.ACCEPTED, decision_due__lte=horizon)
        | Q(status__in=OPEN_STATUSES, result_due__lte=horizon)
    ).select_related("authority", "subject")
    User = get_user_model()
    sent = 0
    for case in due:
        try:
            with transaction.atomic():
                CaseReminder.objects.create(case=case, sent_on=day)
        except IntegrityError:
            continue
        permission = "accept_case" if case.status == Status.SUBMITTED else "decide_case"
        reviewers = User.objects.filter(is_active=True, is_staff=True).filter(
            Q(groups__permissions__codename=permission) | Q(user_permissions__codename=permission)
        )
        if permission == "decide_case":
            reviewers = reviewers.filter(staff_profile__authority=case.authority)
        reviewers = reviewers.exclude(pk=case.applicant_id).exclude(
            bindings__subject=case.subject, bindings__status__in=["pending", "approved"]
        )
        addresses = sorted({u.email for u in reviewers.distinct() if u.email})
        if not addresses:
            continue
        overdue = case.due < day
        with translation.override(settings.LANGUAGE_CODE):
            subject_line, body = _reminder_text(case, overdue)
        send_mail(subject_line, body, settings.DEFAULT_FROM_EMAIL, addresses, fail_silently=False)
        sent += 1
    return sent


def _reminder_text(case: Case, overdue: bool) -> tuple[str, str]:
    subject_line = (_("Overdue: case %(tracking_no)s") if overdue else _("Due soon: case %(tracking_no)s")) % {
        "tracking_no": case.tracking_no
    }
    body = _(
        "Case %(tracking_no)s (%(subject)s, %(status)s) is due on %(due)s.\n"
        "The applicant was promised the result by %(result_due)s.\n\n%(url)s\n"
    ) % {
        "tracking_no": case.tracking_no,
        "subject": case.subject.name,
        "status": case.get_status_display(),
        "due": case.due.isoformat(),
        "result_due": case.result_due.isoformat(),
        "url": settings.SITE_URL + reverse("office:case", kwargs={"pk": case.pk}),
    }
    return subject_line, body


@transaction.atomic
def official_year_enter(
    *, year: int, holidays: Sequence[dt.date], workdays_: Sequence[dt.date], source: str, actor: AbstractBaseUser
) -> OfficialYear:
    """Enter (or replace) a year's official schedule; open cases' deadlines follow.

    Make-up working days (调休) are weekend days declared working days;
    holidays are days off that would otherwise be working days.
    """
    problems = []
    for day in [*holidays, *workdays_]:
        if day.year != year:
            problems.append(_("%(day)s is not in %(year)s.") % {"day": day, "year": year})
    for day in workdays_:
        if day.weekday() < 5:
            problems.append(_("%(day)s is a weekday; a make-up working day falls on a weekend.") % {"day": day})
    overlap = set(holidays) & set(workdays_)
    if overlap:
        problems.append(
            _("%(days)s cannot be both a holiday and a working day.") % {"days": ", ".join(map(str, sorted(overlap)))}
        )
    if not holidays:
        problems.append(_("Enter the public holidays of the year."))
    if problems:
        raise RepairError(" ".join(problems))
    entry, created = OfficialYear.objects.update_or_create(
        year=year, defaults={"source": source.strip(), "entered_by": actor}
    )
    if not created:
        entry.days.all().delete()
    OfficialDay.objects.bulk_create(
        [OfficialDay(year=entry, date=d, kind=OfficialDay.Kind.HOLIDAY) for d in sorted(set(holidays))]
        + [OfficialDay(year=entry, date=d, kind=OfficialDay.Kind.WORKDAY) for d in sorted(set(workdays_))]
    )
    _recompute_deadlines(actor=actor, year=year)
    audit_record(
        action="repair.calendar.enter",
        target=entry,
        actor=actor,
        summary=f"{year}: {source.strip()}",
        after={"holidays": sorted(set(holidays)), "workdays": sorted(set(workdays_)), "replaced": not created},
    )
    return entry


def _recompute_deadlines(*, actor: AbstractBaseUser, year: int) -> None:
    calendar = workdays.Calendar()
    for case in Case.objects.select_for_update().filter(status__in=OPEN_STATUSES):
        filed_on = periods.beijing_date(case.submitted_at)
        extra = EXTENSION_WORKDAYS if case.extended_on else 0
        deadlines = {"result_due": (filed_on, RESULT_WORKDAYS + extra)}
        if case.status == Status.SUBMITTED:
            deadlines["feedback_due"] = (filed_on, FEEDBACK_WORKDAYS)
        elif case.decision_due is not None:
            complete = case.materials_received_at or case.accepted_at
            deadlines["decision_due"] = (periods.beijing_date(complete), DECISION_WORKDAYS + extra)
        for field, (start, count) in deadlines.items():
            new = workdays.add_workdays(start, count, calendar=calendar)
            if field == "result_due" and case.decision_due is not None and case.materials_received_at:
                new = max(
                    new,
                    workdays.add_workdays(
                        periods.beijing_date(case.materials_received_at), DECISION_WORKDAYS, calendar=calendar
                    ),
                )
            old = getattr(case, field)
            if new == old:
                continue
            setattr(case, field, new)
            case.save(update_fields=[field])
            CaseEvent.objects.create(
                case=case,
                actor=actor,
                old_status=case.status,
                new_status=case.status,
                note=_("Deadline moved from %(old)s to %(new)s: official calendar for %(year)s entered.")
                % {"old": old, "new": new, "year": year},
            )
