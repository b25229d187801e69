from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from disclosure import selectors
from reports import pdf, services
from reports.forms import VerifyForm
from reports.models import Purpose


@require_GET
def report_pdf(request: HttpRequest, key: str) -> HttpResponse:
    # The public gate: a natural person with nothing disclosed has no report.
    subject = selectors.subject_public_get(key=key)
    if subject is None:
        raise Http404(_("No subject has this code."))
    purpose = request.GET.get("purpose", Purpose.GENERAL)
    if purpose not in Purpose.values:
        return HttpResponseBadRequest(_("Unknown report purpose."))
    report = services.report_issue(subject=subject, purpose=purpose)
    # Rendering embeds a large CJK font; a report's PDF never changes.
    cache_key = f"report-pdf:{report.number}:{get_language()}"
    body = cache.get(cache_key)
    if body is None:
        body = pdf.render(report)
        cache.set(cache_key, body, 60 * 60)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="credit-report-{subject.key}-{report.as_of}.pdf"'
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    report = decision = None
    checked = False
    changed = False
    if form.is_valid():
        checked = True
        number, code = form.cleaned_data["number"], form.cleaned_data["code"]
        report = services.report_verify(number=number, code=code)
        if report is not None:
            changed = services.report_changed_since_issue(report=report)
        else:
            decision = services.decision_verify(number=number, code=code)
    return render(
        request,
        "reports/verify.html",
        {"form": form, "report": report, "decision": decision, "checked": checked, "changed_since": changed},
    )
