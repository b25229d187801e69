from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from disclosure import selectors as disclosure_selectors
from reports import pdf, selectors, services, signing
from reports.forms import VerifyFileForm, VerifyForm
from reports.models import CreditReport, DecisionDocument, Purpose


@require_safe
def report_pdf(request: HttpRequest, key: str) -> HttpResponse:
    # The public gate: a natural person with nothing disclosed has no report.
    subject = disclosure_selectors.subject_public_get(key=key)
    if subject is None:
        raise Http404(_("No subject has this code."))
    purpose = request.GET.get("purpose", Purpose.GENERAL)
    if purpose not in Purpose.values:
        return HttpResponseBadRequest(_("Unknown report purpose."))
    report = services.report_issue(subject=subject, purpose=purpose)
    issued = services.signed_pdf_issue(
        number=report.number,
        language=get_language(),
        render=lambda: pdf.render(report),
        reason=_("Credit report %(number)s issued by the credit portal") % {"number": report.number},
    )
    response = HttpResponse(bytes(issued.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="credit-report-{subject.key}-{report.as_of}.pdf"'
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_safe
def signing_certificate(request: HttpRequest) -> HttpResponse:
    """The certificate that signs issued PDFs, for validators to trust."""
    response = HttpResponse(signing.signing_certificate_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="credit-portal-signing.pem"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Check a report by its number and code (GET: the QR code's link), or
    check an uploaded file against the files issued (POST)."""
    form = VerifyForm(request.GET or None)
    file_form = VerifyFileForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "file_form": file_form, "checked": False, "file_checked": False}
    if request.method == "POST":
        if file_form.is_valid():
            issued = selectors.issued_file_match(chunks=file_form.cleaned_data["file"].chunks())
            context["file_checked"] = True
            context["issued_file"] = issued
            if issued is not None:
                context["file_report"] = CreditReport.objects.filter(number=issued.number).first()
                context["file_decision"] = DecisionDocument.objects.filter(number=issued.number).first()
    elif form.is_valid():
        number, code = form.cleaned_data["number"], form.cleaned_data["code"]
        report = services.report_verify(number=number, code=code)
        context.update(
            checked=True,
            report=report,
            # A repair decision document is numbered and checked the same way.
            decision=services.decision_verify(number=number, code=code) if report is None else None,
            changed_since=report is not None and services.report_changed_since_issue(report=report),
        )
    return render(request, "reports/verify.html", context)
