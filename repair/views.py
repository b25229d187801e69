"""The applicant's area and the public pages of credit repair. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import subjects_bound, user_may_act_for
from disclosure import periods
from disclosure import selectors as disclosure_selectors
from disclosure.models import Subject
from disclosure.search import InvalidCode, validate_uscc
from repair import selectors, services
from repair.forms import MaterialsForm, ObjectionForm, RepairApplicationForm, StatusLookupForm
from repair.models import Kind, Status
from repair.selectors import Repairability
from reports import services as report_services
from reports.decision_pdf import render as decision_render
from reports.services import DECIDED_OUTCOMES


def _subject_or_404(key: str) -> Subject:
    # The public gate, logged in or not: a natural person with nothing
    # disclosed is not confirmed to exist, not even to a bound account.
    subject = disclosure_selectors.subject_public_get(key=key)
    if subject is None:
        raise Http404
    return subject


def _bound_subject(request: HttpRequest, key: str) -> tuple[Subject, HttpResponse | None]:
    """The subject, and a redirect to the binding request when the user may not act for it yet."""
    subject = _subject_or_404(key)
    if user_may_act_for(user=request.user, subject=subject):
        return subject, None
    if request.method == "POST":
        raise PermissionDenied(_("You are not approved to act for this subject."))
    messages.info(
        request,
        _("To act for %(name)s, ask for it here first; staff check your proof before you can apply.")
        % {"name": subject.name},
    )
    return subject, redirect(binding_url(subject, next_url=request.get_full_path()))


def binding_url(subject: Subject, *, next_url: str) -> str:
    """The request to act for `subject`, coming back to `next_url` afterwards."""
    params = {"uscc": subject.uscc} if subject.uscc else {}
    return reverse("accounts:dashboard") + "?" + urlencode({**params, "next": next_url})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "repair/home.html",
        {
            "subjects": subjects_bound(user=request.user),
            "cases": selectors.cases_for_applicant(user=request.user),
        },
    )


def check(request: HttpRequest, key: str) -> HttpResponse:
    """Public self-check: each disclosed negative item and whether it can be repaired.

    Someone who may not apply yet is shown the next step, which leads on to
    the application: log in or register, or ask to act for the subject.
    """
    subject = _subject_or_404(key)
    can_apply = user_may_act_for(user=request.user, subject=subject)
    # Whether an item is in an open application is the applicant's business.
    items = selectors.subject_repair_check(subject=subject, show_cases=can_apply)
    apply_url = reverse("repair:apply", args=[subject.key])
    return render(
        request,
        "repair/check.html",
        {
            "subject": subject,
            "items": items,
            "today": periods.today(),
            "can_apply": can_apply,
            "any_now": any(item.selectable for item in items),
            "R": Repairability,
            "apply_url": apply_url,
            "login_url": reverse("login") + "?" + urlencode({"next": apply_url}),
            "register_url": reverse("accounts:register") + "?" + urlencode({"next": apply_url}),
            "binding_url": binding_url(subject, next_url=apply_url),
        },
    )


def _already_filed(request: HttpRequest) -> HttpResponse | None:
    """A repeated POST of the same form (double click, reload) shows the case it filed."""
    if request.method != "POST":
        return None
    case = selectors.case_for_token(user=request.user, token=request.POST.get("token", ""))
    return redirect("repair:case", tracking_no=case.tracking_no) if case else None


def _item_label(item: selectors.CheckItem) -> str:
    if item.record is not None:
        record = item.record
        return f"{record.category.name} · {record.document_no} · {record.authority} · {record.decided_on:%Y-%m-%d}"
    listing = item.listing
    return f"{listing.credit_list.name} · {listing.authority} · {listing.entered_on:%Y-%m-%d}"


@login_required
def apply(request: HttpRequest, key: str) -> HttpResponse:
    subject, not_bound = _bound_subject(request, key)
    if not_bound:
        return not_bound
    if done := _already_filed(request):
        return done
    items = selectors.subject_repair_check(subject=subject, show_cases=True)  # the bound applicant
    choices = [(item.value, _item_label(item)) for item in items if item.selectable]
    # The item whose "apply" button led here is ticked already.
    wanted = request.GET.get("item", "")
    initial = {"items": [wanted]} if any(value == wanted for value, _label in choices) else {}
    form = RepairApplicationForm(request.POST or None, request.FILES or None, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.repair_application_submit(
                applicant=request.user,
                subject=subject,
                items=form.cleaned_data["items"],
                statement=form.cleaned_data["statement"],
                evidence=form.cleaned_data["evidence"],
                commitment_confirmed=form.cleaned_data["commitment_confirmed"],
                token=form.cleaned_data["token"],
            )
        except services.RepairError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Application filed. Your tracking number is %(no)s.") % {"no": case.tracking_no}
            )
            return redirect("repair:case", tracking_no=case.tracking_no)
    return render(
        request,
        "repair/apply.html",
        {
            "subject": subject,
            "form": form,
            "blocked": [item for item in items if not item.selectable],
            "commitment": services.commitment_text(subject=subject, on=periods.today()),
            "R": Repairability,
        },
    )


@login_required
def object_to_record(request: HttpRequest, key: str) -> HttpResponse:
    subject, not_bound = _bound_subject(request, key)
    if not_bound:
        return not_bound
    if done := _already_filed(request):
        return done
    targets = selectors.objection_targets(subject=subject)
    found = {f"record-{r.pk}": {"record": r} for r in targets.records}
    found |= {f"listing-{li.pk}": {"listing": li} for li in targets.listings}
    found |= {f"case-{c.pk}": {"repair_case": c} for c in targets.cases}
    choices = [
        *(
            (f"record-{r.pk}", f"{r.category.name} · {r.document_no} · {r.authority} · {r.decided_on:%Y-%m-%d}")
            for r in targets.records
        ),
        *(
            (f"listing-{li.pk}", f"{li.credit_list.name} · {li.authority} · {li.entered_on:%Y-%m-%d}")
            for li in targets.listings
        ),
        *(
            (
                f"case-{c.pk}",
                _("Result of repair application %(no)s (%(status)s)")
                % {"no": c.tracking_no, "status": c.get_status_display()},
            )
            for c in targets.cases
        ),
    ]
    form = ObjectionForm(request.POST or None, request.FILES or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.objection_submit(
                applicant=request.user,
                subject=subject,
                ground=form.cleaned_data["ground"],
                statement=form.cleaned_data["statement"],
                evidence=form.cleaned_data["evidence"],
                token=form.cleaned_data["token"],
                **found[form.cleaned_data["record"]],
            )
        except services.RepairError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Objection filed. Your tracking number is %(no)s.") % {"no": case.tracking_no})
            return redirect("repair:case", tracking_no=case.tracking_no)
    return render(request, "repair/object.html", {"subject": subject, "form": form})


@login_required
def case_detail(request: HttpRequest, tracking_no: str) -> HttpResponse:
    case = selectors.case_get_for_applicant(user=request.user, tracking_no=tracking_no)
    return render(
        request,
        "repair/case.html",
        {
            "case": case,
            "items": case.items.select_related("record__category", "record__authority", "listing__credit_list"),
            "events": case.events.select_related("actor"),
            "evidence": case.evidence.all(),
            "can_withdraw": case.is_open,
            "materials_form": MaterialsForm(),
            "decision_available": case.kind == Kind.REPAIR and case.status in DECIDED_OUTCOMES,
        },
    )


@login_required
@require_POST
def supply_materials(request: HttpRequest, tracking_no: str) -> HttpResponse:
    """容缺受理: the applicant adds the materials listed at acceptance."""
    case = selectors.case_get_for_applicant(user=request.user, tracking_no=tracking_no)
    form = MaterialsForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Upload the missing materials."))
        return redirect("repair:case", tracking_no=case.tracking_no)
    try:
        case = services.case_materials_supply(
            case=case, applicant=request.user, evidence=form.cleaned_data["evidence"], note=form.cleaned_data["note"]
        )
    except services.RepairError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Materials added. The decision is due by %(day)s.") % {"day": case.decision_due})
    return redirect("repair:case", tracking_no=case.tracking_no)


@login_required
def decision_pdf(request: HttpRequest, tracking_no: str) -> HttpResponse:
    """The repair decision document (信用修复决定书), for the applicant only."""
    case = selectors.case_get_for_applicant(user=request.user, tracking_no=tracking_no)
    if case.kind != Kind.REPAIR or case.status not in DECIDED_OUTCOMES:
        raise Http404
    document = report_services.decision_issue(case=case)
    # Signed (PAdES) and kept like a credit report: every download is the same
    # file, recognised when uploaded to /reports/verify/. Always in Chinese.
    issued = report_services.signed_pdf_issue(
        number=document.number,
        language="zh-hans",
        render=lambda: decision_render(document),
        reason=f"信用修复决定书 {document.number}",
    )
    response = HttpResponse(bytes(issued.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="repair-decision-{document.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def withdraw(request: HttpRequest, tracking_no: str) -> HttpResponse:
    case = selectors.case_get_for_applicant(user=request.user, tracking_no=tracking_no)
    try:
        services.case_transition(case=case, to=Status.WITHDRAWN, actor=request.user, note=request.POST.get("note", ""))
    except services.RepairError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The case was withdrawn."))
    return redirect("repair:case", tracking_no=case.tracking_no)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """Stream evidence to its applicant or the staff on the case; never from a public URL."""
    evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="evidence-{evidence.pk}.{evidence.file.name.rsplit(".", 1)[-1]}"'
    )
    # The type was decided by the content at upload and is sent with nosniff,
    # so the browser renders only a PDF or an image. No CSP sandbox: Chrome's
    # PDF viewer refuses to open a sandboxed document.
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def status_lookup(request: HttpRequest) -> HttpResponse:
    """Public status by tracking number + USCC: the state and dates, never the evidence.

    POST, so that the tracking number and code stay out of URLs, server
    logs, browser history and Referer headers (and the form carries CSRF).
    """
    form = StatusLookupForm(request.POST if request.method == "POST" else None)
    case = None
    searched = False
    if form.is_valid():
        searched = True
        try:
            uscc = validate_uscc(form.cleaned_data["uscc"])
        except InvalidCode:
            form.add_error("uscc", _("This is not a valid unified social credit code."))
        else:
            case = selectors.case_public_status(tracking_no=form.cleaned_data["tracking_no"], uscc=uscc)
    return render(request, "repair/status.html", {"form": form, "case": case, "searched": searched})
