"""The staff back office (/office/): queue, case page, decisions, calendar.

Permissions are checked at the edge (login + permission) and again where it
matters: selectors.case_get_for_staff() fetches a case for a user or raises
PermissionDenied, and services.case_transition() checks the actor.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.selectors import staff_authority
from disclosure import periods
from disclosure import selectors as disclosure_selectors
from disclosure import services as disclosure_services
from disclosure.models import Shield
from disclosure.search import InvalidCode, validate_uscc
from repair import selectors, services, workdays
from repair.forms import (
    CorrectionForm,
    DecisionForm,
    ExtensionForm,
    NoteForm,
    OfficialYearForm,
    QueueFilterForm,
    ShieldEndForm,
    ShieldStartForm,
    TimelinessForm,
)
from repair.models import Kind, OfficialYear, Status
from repair.timeliness import DEADLINE_WORKDAYS, publication_timeliness


def _staff(view):
    return login_required(permission_required("repair.view_case", raise_exception=True)(view))


def _calendar_warnings(extra_years=()) -> list[int]:
    today = periods.today()
    return workdays.years_without_schedule({today.year, today.year + 1, *extra_years})


@_staff
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = selectors.staff_queue(
        user=request.user,
        status=filters.get("status", ""),
        authority_name=filters.get("authority", ""),
        due=filters.get("due", ""),
        kind=filters.get("kind", ""),
    )
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    years = {case.due_on.year for case in page.object_list if case.due_on}
    return render(
        request,
        "repair/office/queue.html",
        {
            "form": form,
            "cases": page.object_list,
            "page": page,
            "today": periods.today(),
            "missing_years": _calendar_warnings(years),
            "authority": staff_authority(user=request.user),
        },
    )


@_staff
@require_safe
def authority_suggest(request: HttpRequest) -> JsonResponse:
    """Up to 20 authority names containing `q`: suggestions for the queue's
    authority filter (the filter itself works without them)."""
    names = selectors.authority_names_matching(query=request.GET.get("q", ""), limit=20)
    return JsonResponse({"authorities": names})


def _decisions(case, user) -> dict[str, bool]:
    """Which decision forms to show; the service checks again on POST."""
    accept = case.status == Status.SUBMITTED and user.has_perm("repair.accept_case")
    of_authority = user.has_perm("repair.decide_case") and staff_authority(user=user) == case.authority
    decide = case.status == Status.ACCEPTED and of_authority
    return {
        "accept": accept,
        "decide": decide,
        "extend": case.is_open and case.extended_on is None and of_authority,
        "revoke": case.status == Status.REPAIRED and of_authority,
    }


@_staff
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_staff(user=request.user, pk=pk)
    items = list(case.items.select_related("record__category", "record__authority", "listing__credit_list"))
    correction = None
    if case.kind == Kind.OBJECTION and not case.objected_case_id and items and items[0].record:
        record = items[0].record
        correction = CorrectionForm(
            initial={
                "document_no": record.document_no,
                "decided_on": record.decided_on,
                "severity": record.severity,
                "summary": record.summary,
            }
        )
    return render(
        request,
        "repair/office/case.html",
        {
            "case": case,
            "items": items,
            "events": case.events.select_related("actor"),
            "evidence": case.evidence.all(),
            "can": _decisions(case, request.user),
            "correction": correction,
            "note_form": NoteForm(),
            "extension_form": ExtensionForm(),
            "missing_years": workdays.years_without_schedule(
                {day.year for day in (case.feedback_due, case.decision_due, case.result_due) if day}
            ),
            "today": periods.today(),
            "S": Status,
            "K": Kind,
        },
    )


@_staff
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_staff(user=request.user, pk=pk)
    to = request.POST.get("to", "")
    changes = None
    extra: dict = {}
    if to == Status.CORRECTED and not case.objected_case_id:
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                for error in errors:
                    messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {error}")
            return redirect("office:case", pk=case.pk)
        data = form.cleaned_data
        changes = {
            key: data[key]
            for key in ("document_no", "decided_on", "severity", "summary")
            if data[key] != getattr(case.items.first().record, key)
        }
        note = data["note"]
    else:
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a decision."))
            return redirect("office:case", pk=case.pk)
        note = form.cleaned_data["note"]
        extra = {
            "missing_materials": form.cleaned_data["missing_materials"],
            "materials_due": form.cleaned_data["materials_due"],
        }
    try:
        services.case_transition(case=case, to=to, actor=request.user, note=note, changes=changes, **extra)
    except services.RepairError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done: the case is now “%(status)s”.") % {"status": Status(to).label})
    return redirect("office:case", pk=case.pk)


@_staff
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_staff(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(case=case, actor=request.user, note=form.cleaned_data["note"])
        except services.RepairError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Note recorded."))
    else:
        messages.error(request, _("The note is empty."))
    return redirect("office:case", pk=case.pk)


@login_required
@permission_required("repair.add_officialyear", raise_exception=True)
def calendar(request: HttpRequest) -> HttpResponse:
    form = OfficialYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.official_year_enter(
                year=data["year"],
                holidays=data["holidays"],
                workdays_=data["workdays"],
                source=data["source"],
                actor=request.user,
            )
        except services.RepairError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The official calendar for %(year)s was saved.") % {"year": data["year"]})
            return redirect("office:calendar")
    today = periods.today()
    cal = workdays.Calendar()
    years = [(year, cal.source(year)) for year in range(today.year - 1, today.year + 3)]
    return render(
        request,
        "repair/office/calendar.html",
        {
            "form": form,
            "years": years,
            "entered": OfficialYear.objects.select_related("entered_by").prefetch_related("days"),
        },
    )


@login_required
@permission_required("repair.view_all_cases", raise_exception=True)
def timeliness(request: HttpRequest) -> HttpResponse:
    """双公示 timeliness: licences and penalties published within 7 working days."""
    today = periods.today()
    form = TimelinessForm(request.GET or {"decided_from": today - dt.timedelta(days=90), "decided_to": today})
    rows = []
    if form.is_valid():
        rows = publication_timeliness(
            decided_from=form.cleaned_data["decided_from"], decided_to=form.cleaned_data["decided_to"]
        )
    return render(
        request,
        "repair/office/timeliness.html",
        {"form": form, "rows": rows, "deadline": DEADLINE_WORKDAYS},
    )


@_staff
@require_POST
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_staff(user=request.user, pk=pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required."))
        return redirect("office:case", pk=case.pk)
    try:
        case = services.case_extend(case=case, actor=request.user, reason=form.cleaned_data["reason"])
    except services.RepairError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Extended: the result is now due by %(day)s.") % {"day": case.result_due})
    return redirect("office:case", pk=case.pk)


def _shield_staff(view):
    return login_required(permission_required("disclosure.add_shield", raise_exception=True)(view))


@_shield_staff
def shields(request: HttpRequest) -> HttpResponse:
    """Temporary shields (暂时屏蔽) on bankruptcy restructuring rulings."""
    form = ShieldStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = None
        try:
            subject = disclosure_selectors.subject_get(key=validate_uscc(data["uscc"]))
        except InvalidCode:
            pass
        if subject is None:
            form.add_error("uscc", _("No subject with this code is registered on the portal."))
        else:
            try:
                disclosure_services.shield_start(
                    subject=subject,
                    ruling=data["ruling"],
                    court=data["court"],
                    document_no=data["document_no"],
                    ruled_on=data["ruled_on"],
                    actor=request.user.get_username(),
                    note=data["note"],
                )
            except disclosure_services.DisclosureError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The subject's negative information is shielded."))
                return redirect("office:shields")
    return render(
        request,
        "repair/office/shields.html",
        {"form": form, "shields": Shield.objects.select_related("subject")[:200], "end_form": ShieldEndForm()},
    )


@_shield_staff
@require_POST
def shield_end(request: HttpRequest, pk: int) -> HttpResponse:
    shield = Shield.objects.filter(pk=pk).first()
    form = ShieldEndForm(request.POST)
    if shield is None or not form.is_valid():
        messages.error(request, _("Choose the outcome of the plan."))
        return redirect("office:shields")
    try:
        disclosure_services.shield_end(
            shield=shield,
            outcome=form.cleaned_data["outcome"],
            actor=request.user.get_username(),
            note=form.cleaned_data["note"],
        )
    except disclosure_services.DisclosureError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The shield has ended."))
    return redirect("office:shields")
