"""Public pages of the data services: bulk check, open data, alerts."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from dataservices import alerts, opendata
from dataservices.csvcells import spreadsheet_safe
from dataservices.forms import CheckForm, SubscribeForm
from disclosure import checks, periods, selectors

CSV_COLUMNS = ["input", "code", "status", "reason", "name", "negative_records", "categories", "lists"]


def _status_label(status: str) -> str:
    return {
        checks.CheckStatus.INVALID: _("Invalid code"),
        checks.CheckStatus.UNKNOWN: _("Not registered"),
        checks.CheckStatus.CLEAN: _("Nothing negative disclosed"),
        checks.CheckStatus.NEGATIVE: _("Negative information disclosed"),
    }[status]


def _csv_response(results: list[checks.CodeCheck], day) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="credit-check-{day.isoformat()}.csv"'
    # A BOM so that spreadsheet programs read the Chinese names as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for result in results:
        row = [
            result.input,
            result.code or "",
            result.status,
            result.reason or "",
            result.subject.name if result.subject else "",
            "" if result.negative_records is None else result.negative_records,
            " ".join(result.categories),
            " ".join(result.lists),
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def check_page(request: HttpRequest) -> HttpResponse:
    """/check/: paste codes or upload a CSV; see the table; download it.

    Works without JavaScript: the results page carries the normalised codes
    in a hidden field of the "Download CSV" form.
    """
    results = None
    day = periods.today()
    if request.method == "POST":
        form = CheckForm(request.POST, request.FILES)
        if form.is_valid():
            results = checks.codes_check(codes=form.cleaned_data["code_list"], at=day)
            if request.POST.get("format") == "csv":
                return _csv_response(results, day)
            for result in results:
                result.status_label = _status_label(result.status)
    else:
        form = CheckForm()
    context = {
        "form": form,
        "results": results,
        "checked_on": day,
        "codes_text": "\n".join(r.input for r in results) if results else "",
        "summary": _summary(results) if results else None,
    }
    return render(request, "dataservices/check.html", context, status=400 if form.errors else 200)


def _summary(results: list[checks.CodeCheck]) -> dict[str, int]:
    counts = {status: 0 for status in ("invalid", "unknown", "clean", "negative")}
    for result in results:
        counts[result.status] += 1
    return counts


def open_data_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dataservices/open_data.html",
        {
            "files": opendata.files_listed(),
            "record_columns": opendata.RECORD_COLUMNS,
            "listing_columns": opendata.LISTING_COLUMNS,
            "delta_columns": opendata.DELTA_COLUMNS,
            "terms": opendata.TERMS,
        },
    )


def open_data_terms(request: HttpRequest) -> HttpResponse:
    return render(request, "dataservices/help_open_data.html", {"terms": opendata.TERMS})


def open_data_file(request: HttpRequest, name: str) -> HttpResponse:
    """Only files the export listed in the database, never a path from the URL.

    A withdrawn snapshot answers 410 Gone: its content may include what has
    stopped being disclosed since."""
    item = opendata.file_get(name=name)
    if item is not None and item.withdrawn_at is not None:
        return render(request, "dataservices/open_data_withdrawn.html", {"file": item}, status=410)
    if item is None or not item.path.is_file():
        raise Http404
    content_type = "text/csv; charset=utf-8" if name.endswith(".csv") else "application/x-ndjson; charset=utf-8"
    if name.endswith(".sha256"):
        content_type = "text/plain; charset=utf-8"
    elif name.endswith(".json"):
        content_type = "application/json; charset=utf-8"
    response = FileResponse(item.path.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["X-Checksum-SHA256"] = item.sha256
    # The terms of use travel with every file (RFC 8288 "license" relation).
    response["Link"] = f'<{opendata.terms_url()}>; rel="license"'
    response["Cache-Control"] = "no-cache"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def follow(request: HttpRequest, key: str) -> HttpResponse:
    subject = selectors.subject_public_get(key=key)
    if subject is None:
        raise Http404
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        alerts.subscription_request(email=form.cleaned_data["email"], subject=subject, language=get_language())
        messages.success(request, _("We sent a message to confirm your address. Alerts start once you open its link."))
        return redirect("dataservices:follow", key=subject.key)
    return render(request, "dataservices/follow.html", {"subject": subject, "form": form})


def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = alerts.subscription_confirm(token=token)
    except alerts.InvalidToken:
        return render(request, "dataservices/token_invalid.html", status=400)
    return render(request, "dataservices/confirmed.html", {"subscription": subscription})


@csrf_exempt  # One-click unsubscribe (RFC 8058): mail clients POST without a CSRF token; the signed token suffices.
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link scanners must not unsubscribe anyone); POST
    unsubscribes at once."""
    try:
        if request.method == "POST":
            subscription = alerts.subscription_cancel(token=token)
            return render(request, "dataservices/unsubscribed.html", {"subscription": subscription})
        subscription = alerts.subscription_from_unsubscribe_token(token)
    except alerts.InvalidToken:
        return render(request, "dataservices/token_invalid.html", status=400)
    return render(request, "dataservices/unsubscribe.html", {"subscription": subscription, "token": token})
