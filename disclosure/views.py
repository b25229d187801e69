"""Public HTML pages. Thin: they parse input and read through selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from disclosure import periods, search, selectors
from disclosure.forms import ListEntriesForm, SearchForm
from disclosure.models import Polarity

RESULTS_PER_PAGE = 20
ENTRIES_PER_PAGE = 30


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "disclosure/home.html",
        {"form": SearchForm(language=get_language()), "lists": selectors.credit_lists_with_counts()},
    )


@require_GET
def search_results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET, language=get_language())
    context: dict = {"form": form, "query": "", "page": None, "code_problem": None}
    if not form.is_valid():
        return render(request, "disclosure/search.html", context)
    query = form.cleaned_data["q"].strip()
    context["query"] = query
    if search.looks_like_code(query) or search.looks_like_identity_number(query):
        problem = search.code_problem(query)
        if problem is None:
            subject = selectors.subject_public_get(key=search.normalize_code(query))
            if subject is not None:
                return redirect("disclosure:subject", key=subject.key)
        if search.looks_like_identity_number(query):
            problem = "identity"
        context["code_problem"] = problem or "unknown"
        context["code"] = search.normalize_code(query)
        return render(request, "disclosure/search.html", context)
    if not query and not form.has_filters:
        return render(request, "disclosure/search.html", context)
    subjects = selectors.subjects_search(query=query, filters=form.filters())
    page = Paginator(subjects, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.subjects_summarize(page.object_list)
    context.update(page=page, searched=True)
    return render(request, "disclosure/search.html", context)


@require_GET
def subject_detail(request: HttpRequest, key: str) -> HttpResponse:
    subject = selectors.subject_public_get(key=key)
    if subject is None:
        raise Http404
    if key != subject.key:
        return redirect("disclosure:subject", key=subject.key, permanent=True)
    subject = selectors.subject_disclosure(subject=subject)
    categories = list(selectors.categories())
    by_category = {category.pk: [] for category in categories}
    for record in subject.disclosed_records:
        by_category.setdefault(record.category_id, []).append(record)
    sections = [(category, by_category[category.pk]) for category in categories]
    negative = sum(len(records) for category, records in sections if category.polarity == Polarity.NEGATIVE)
    return render(
        request,
        "disclosure/subject.html",
        {
            "subject": subject,
            "sections": sections,
            "negative_count": negative,
            "negative_lists": [item for item in subject.current_listings if item.credit_list.polarity == "negative"],
            "today": periods.today(),
        },
    )


@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_disclosed_get(pk=pk)
    if record is None:
        if selectors.record_get(pk=pk) is None:
            raise Http404
        # Disclosure ended (or never began): say only that, and keep it out
        # of search engines. Nothing of the record's content is shown.
        return render(request, "410.html", status=410)
    minimum, maximum = record.category.months_for(record.severity) if record.category.is_negative else (None, None)
    today = periods.today()
    # The timeline in date order: decided, repairable from, today, last day.
    steps = [(record.decided_on, "decided"), (today, "today")]
    if record.category.is_negative and record.category.repairable and record.repairable_from:
        steps.append((record.repairable_from, "repairable"))
    if record.disclosure_until:
        steps.append((record.disclosure_until, "until"))
    steps.sort(key=lambda step: step[0])
    return render(
        request,
        "disclosure/record.html",
        {
            "record": record,
            "timeline": [{"day": day, "kind": kind} for day, kind in steps],
            "minimum_months": minimum,
            "maximum_months": maximum,
            "today": today,
        },
    )


@require_GET
def list_index(request: HttpRequest) -> HttpResponse:
    return render(request, "disclosure/lists.html", {"lists": selectors.credit_lists_with_counts()})


@require_GET
def list_detail(request: HttpRequest, code: str) -> HttpResponse:
    credit_list = selectors.credit_list_get(code=code)
    if credit_list is None:
        raise Http404
    form = ListEntriesForm(request.GET)
    region = form.region() if form.is_valid() else ""
    entries = selectors.list_entries(credit_list=credit_list, region=region)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "disclosure/list_detail.html", {"list": credit_list, "form": form, "page": page})


@require_GET
def help_page(request: HttpRequest, topic: str) -> HttpResponse:
    context = {"categories": selectors.categories()} if topic == "periods" else {}
    return render(request, f"disclosure/help/{topic}.html", context)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("disclosure:sitemap-index"))
    lines = [
        "User-agent: *",
        # Result pages are endless combinations of filters; the sitemap lists
        # every disclosed subject and record instead.
        "Disallow: /search/",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /repair/",
        "Disallow: /i18n/",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
