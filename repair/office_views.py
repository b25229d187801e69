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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import staff_authority
from disclosure import periods
from repair import selectors, services, workdays
from repair.forms import CorrectionForm, DecisionForm, NoteForm, OfficialYearForm, QueueFilterForm, TimelinessForm
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
    authority = filters.get("authority")
    cases = selectors.staff_queue(
        user=request.user,
        status=filters.get("status", ""),
        authority_id=authority.pk if authority else None,
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


def _decisions(case, user) -> dict[str, bool]:
    """Which decision forms to show; the service checks again on POST."""
    accept = case.status == Status.SUBMITTED and user.has_perm("repair.accept_case")
    decide = (
        case.status == Status.ACCEPTED
        and user.has_perm("repair.decide_case")
        and staff_authority(user=user) == case.authority
    )
    return {"accept": accept, "decide": decide}


@_staff
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_staff(user=request.user, pk=pk)
    items = list(case.items.select_related("record__category", "record__authority", "listing__credit_list"))
    correction = None
    if case.kind == Kind.OBJECTION and items and items[0].record:
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
            "missing_years": workdays.years_without_schedule(
                {day.year for day in (case.feedback_due, case.decision_due) if day}
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
    if to == Status.CORRECTED:
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
    try:
        services.case_transition(case=case, to=to, actor=request.user, note=note, changes=changes)
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
