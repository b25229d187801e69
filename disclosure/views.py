"""Public HTML pages. Thin: they parse input and read through selectors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from disclosure import pagecache, periods, search, selectors
from disclosure.forms import ListEntriesForm, SearchForm
from disclosure.models import Category, CreditList, Polarity, Section, Subject

RESULTS_PER_PAGE = 20
ENTRIES_PER_PAGE = 30
# A subject page shows at most this many items of each category and list
# (the newest); the rest are a click away, GROUP_PAGE at a time.
GROUP_PREVIEW = 10
GROUP_PAGE = 20


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "disclosure/home.html",
        {"form": SearchForm(language=get_language()), "lists": selectors.credit_lists_with_counts()},
    )


@require_safe
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


@dataclass
class _Part:
    """One category or list inside a group of the subject page."""

    kind: str  # "category" or "list"
    obj: Category | CreditList
    count: int
    items: list


@dataclass
class _Group:
    section: str
    label: str
    parts: list[_Part]

    @property
    def count(self) -> int:
        return sum(part.count for part in self.parts)


def _with_repair_state(items: list, day: dt.date) -> list:
    for item in items:
        item.repair_state = item.repair_state_on(day)
    return items


def _groups(cat: selectors.Catalogue, counts: selectors.DisclosureCounts, records: dict, listings: dict) -> list:
    """Credit China's groups in its order; lists before records in a group."""
    groups = {section: _Group(section, label, []) for section, label in Section.choices}
    for credit_list in cat.lists:
        if counts.listings.get(credit_list.pk):
            groups[selectors.list_section(credit_list)].parts.append(
                _Part("list", credit_list, counts.listings[credit_list.pk], listings.get(credit_list.pk, []))
            )
    for category in cat.categories:
        if counts.records.get(category.pk):
            groups[category.section].parts.append(
                _Part("category", category, counts.records[category.pk], records.get(category.pk, []))
            )
    return list(groups.values())


def _page_number(value: str | None) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return number if 1 <= number <= 100_000 else 1


def _subject_body(
    subject: Subject, cat: selectors.Catalogue, day: dt.date, shown: Category | CreditList | None, number: int
) -> str:
    """The public body of a subject page: the same for every visitor, so it
    can be cached (disclosure.pagecache); rendered without the request."""
    counts = selectors.subject_disclosure_counts(subject=subject, at=day)
    context: dict = {
        "subject": subject,
        "today": day,
        "former_names": selectors.subject_former_names(subject=subject),
        "negative_count": sum(n for pk, n in counts.records.items() if cat.category_by_id[pk].is_negative),
        "negative_lists": sum(1 for pk in counts.listings if cat.list_by_id[pk].polarity == Polarity.NEGATIVE),
        "nothing": counts.empty,
        "preview": GROUP_PREVIEW,
    }
    if shown is None:
        records, listings = selectors.subject_records_first(
            subject=subject, cat=cat, counts=counts, limit=GROUP_PREVIEW, at=day
        )
        for items in [*records.values(), *listings.values()]:
            _with_repair_state(items, day)
        context["groups"] = _groups(cat, counts, records, listings)
        return render_to_string("disclosure/subject_body.html", context)
    if isinstance(shown, Category):
        kind, total, section = "category", counts.records.get(shown.pk, 0), shown.section
    else:
        kind, total, section = "list", counts.listings.get(shown.pk, 0), selectors.list_section(shown)
    pages = max(1, -(-total // GROUP_PAGE))
    number = min(number, pages)
    offset = (number - 1) * GROUP_PAGE
    if isinstance(shown, Category):
        items = selectors.subject_records_page(
            subject=subject, cat=cat, category=shown, offset=offset, limit=GROUP_PAGE, at=day
        )
    else:
        items = selectors.subject_listings_page(
            subject=subject, cat=cat, credit_list=shown, offset=offset, limit=GROUP_PAGE, at=day
        )
    context["groups"] = _groups(cat, counts, {}, {})
    context.update(
        part=_Part(kind, shown, total, _with_repair_state(items, day)),
        section=section,
        number=number,
        pages=pages,
        page_range=[n for n in range(number - 2, number + 3) if 1 <= n <= pages],
    )
    return render_to_string("disclosure/subject_part.html", context)


@require_safe
def subject_detail(request: HttpRequest, key: str) -> HttpResponse:
    """A subject's page: basic information and Credit China's groups, each
    with a bounded preview; `?category=` / `?list=` with `page` show all of
    one category or list, a page at a time."""
    subject = selectors.subject_public_get(key=key)
    if subject is None:
        raise Http404
    if key != subject.key:
        return redirect("disclosure:subject", key=subject.key, permanent=True)
    cat = selectors.catalogue(generation=subject.catalogue_generation)
    shown: Category | CreditList | None = None
    if request.GET.get("category"):
        shown = cat.category_by_code.get(request.GET["category"])
    elif request.GET.get("list"):
        shown = cat.list_by_code.get(request.GET["list"])
    if shown is None and (request.GET.get("category") or request.GET.get("list")):
        raise Http404
    number = _page_number(request.GET.get("page")) if shown is not None else 1
    day = periods.today()
    key_params = {"shown": f"{type(shown).__name__}:{shown.pk}" if shown else "", "page": number}
    body = pagecache.cached(
        pagecache.subject_key(kind="subject-page", subject=subject, day=day, **key_params),
        day=day,
        build=lambda: _subject_body(subject, cat, day, shown, number),
    )
    return render(request, "disclosure/subject.html", {"subject": subject, "shown": shown, "body": body})


@require_safe
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_disclosed_get(pk=pk)
    if record is None:
        if not selectors.record_was_disclosed(pk=pk):
            # Never disclosed (future, minor): nothing confirms it exists.
            raise Http404
        # Disclosure ended: say only that, and keep it out of search engines.
        # Nothing of the record's content is shown.
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


@require_safe
def list_index(request: HttpRequest) -> HttpResponse:
    return render(request, "disclosure/lists.html", {"lists": selectors.credit_lists_with_counts()})


@require_safe
def list_detail(request: HttpRequest, code: str) -> HttpResponse:
    credit_list = selectors.credit_list_get(code=code)
    if credit_list is None:
        raise Http404
    form = ListEntriesForm(request.GET)
    region = form.region() if form.is_valid() else ""
    entries = selectors.list_entries(credit_list=credit_list, region=region)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "disclosure/list_detail.html", {"list": credit_list, "form": form, "page": page})


@require_safe
def help_page(request: HttpRequest, topic: str) -> HttpResponse:
    context: dict = {}
    if topic == "periods":
        context = {"categories": selectors.categories(), "lists": selectors.credit_lists()}

    return render(request, f"disclosure/help/{topic}.html", context)


@require_safe
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
