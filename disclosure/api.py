"""The public API (DESIGN.md, "API"): thin DRF views over the selectors.

Every read goes through `disclosure.selectors` / `disclosed_on()`, so the API
shows exactly what the portal shows, for exactly as long (期限一致).
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from django.core.paginator import Page
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from disclosure import checks, feed, pagecache, periods, selectors
from disclosure.filters import ListEntryFilter, RecordFilter, SubjectFilter
from disclosure.models import Listing, Subject
from disclosure.serializers import (
    ChangePageSerializer,
    CheckRequestSerializer,
    CheckResponseSerializer,
    CreditListSerializer,
    ErrorSerializer,
    ListingSerializer,
    RecordSerializer,
    SubjectDetailSerializer,
    SubjectSummarySerializer,
)

# Records and listings in a subject detail; the rest are paged elsewhere.
DETAIL_ITEMS = 100

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input: a message per field."),
    401: OpenApiResponse(ErrorSerializer, description="Unknown or revoked API key."),
    429: OpenApiResponse(ErrorSerializer, description="Rate limit or daily quota reached; see Retry-After."),
}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field" or "field.0": [messages]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "non_field_errors" if key == "non_field_errors" and not prefix else f"{prefix}{key}"
            for field, messages in _flatten(value, f"{name}.").items():
                out.setdefault(field, []).extend(messages)
        return out
    field = prefix.rstrip(".") or "non_field_errors"
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {field: [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            for key, messages in _flatten(item, f"{field}.{index}.").items():
                out.setdefault(key, []).extend(messages)
        return out
    return {field: [str(detail)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The one error format: {"status", "code", "message", "fields"}.

    `fields` maps each offending field (body, query parameter or header) to
    its messages; it is empty for errors not about a field.
    """
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    fields: dict[str, list[str]] = {}
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        code, message = "invalid", _("The request is not valid: see the message of each field.")
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        message = str(exc.detail) if not isinstance(exc.detail, dict | list) else str(exc.default_detail)
    else:
        code, message = "not_found", _("Not found.")
    response.data = {"status": response.status_code, "code": code, "message": message, "fields": fields}
    return response


class RateLimitHeadersMixin:
    """Adds X-RateLimit-* from whichever throttle decided on the request."""

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        limit = getattr(request, "rate_limit", None)
        if limit is not None:
            response["X-RateLimit-Limit"] = str(limit[0])
            response["X-RateLimit-Remaining"] = str(limit[1])
            response["X-RateLimit-Reset"] = str(limit[2])
        return response


def _query_int(request: Request, name: str, default: int) -> int:
    """A positive integer query parameter, or 400 naming it."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise exceptions.ValidationError({name: [_("A whole number, 1 or more.")]})
    return int(raw)


class StrictPageSizeMixin:
    """`page_size` is a whole number of at least 1 (400 otherwise; DRF would
    silently use the default); above the maximum it is the maximum."""

    def get_page_size(self, request: Request) -> int:
        return min(_query_int(request, self.page_size_query_param, self.page_size), self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in (self.page_size_query_param, getattr(self, "page_query_param", None)):
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = f"Results per page, default {self.page_size}; above {self.max_page_size} "
                parameter["description"] += f"counts as {self.max_page_size}."
        return parameters


class SearchPagination(StrictPageSizeMixin, PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        number = _query_int(request, self.page_query_param, 1)
        # Past the end: an empty page, like any page number the schema allows.
        self.page = Page([], number, paginator) if number > paginator.num_pages else paginator.page(number)
        return list(self.page)

    def get_previous_link(self):
        if self.page.number > self.page.paginator.num_pages > 0:
            url = self.request.build_absolute_uri()
            return replace_query_param(url, self.page_query_param, self.page.paginator.num_pages)
        if self.page.number > self.page.paginator.num_pages:
            return None
        return super().get_previous_link()


class IdCursorPagination(StrictPageSizeMixin, CursorPagination):
    """Cursor pagination on the id: stable while rows come and go."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "-id"

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError({self.cursor_query_param: [str(exc.detail)]}) from None


class SubjectSearchView(RateLimitHeadersMixin, generics.ListAPIView):
    """Search subjects by name, former name or (part of a) unified social credit code.

    Natural persons are found only while something about them is disclosed,
    and never by identity number.
    """

    serializer_class = SubjectSummarySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SubjectFilter
    pagination_class = SearchPagination

    def get_queryset(self):
        # SubjectFilter replaces this by selectors.subjects_search().
        return Subject.objects.none()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.subjects_summarize(page) if page is not None else None

    @extend_schema(responses={200: SubjectSummarySerializer(many=True), **ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class SubjectDetailView(RateLimitHeadersMixin, APIView):
    """One subject with its disclosed records and current listings.

    Every registered subject has an answer, also when nothing about it is
    disclosed (empty `records` and `listings`): that is the answer a
    procurement officer is looking for. The answer is bounded: at most 100
    records and 100 listings; `records_count` and `listings_count` say how
    many there are, and `records_next` / `listings_next` page through all of
    them when there are more.
    """

    @extend_schema(responses={200: SubjectDetailSerializer, 404: ErrorSerializer, **ERRORS})
    def get(self, request: Request, uscc: str) -> Response:
        subject = selectors.subject_public_get(key=uscc)
        if subject is None:
            raise Http404
        day = periods.today()
        data = pagecache.cached(
            pagecache.subject_key(kind="api-subject", subject=subject, day=day),
            day=day,
            build=lambda: (
                SubjectDetailSerializer(
                    selectors.subject_detail(subject=subject, limit=DETAIL_ITEMS, at=day), context={"request": None}
                ).data
            ),
        )
        return Response(data)


class SubjectListingsView(RateLimitHeadersMixin, generics.ListAPIView):
    """All current listings of one subject (cursor pagination): the pages
    after the first 100 listings of the subject detail."""

    serializer_class = ListingSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Listing.objects.none()
        subject = selectors.subject_public_get(key=self.kwargs["uscc"])
        if subject is None:
            raise Http404
        return selectors.listings_current().filter(subject=subject)

    @extend_schema(responses={200: ListingSerializer(many=True), 404: ErrorSerializer, **ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class RecordListView(RateLimitHeadersMixin, generics.ListAPIView):
    """Records disclosed today, newest first (cursor pagination)."""

    serializer_class = RecordSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RecordFilter
    pagination_class = IdCursorPagination

    def get_queryset(self):
        return selectors.records_disclosed()

    @extend_schema(responses={200: RecordSerializer(many=True), **ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CreditListListView(RateLimitHeadersMixin, generics.ListAPIView):
    """Every credit list with its number of current entries."""

    serializer_class = CreditListSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.credit_lists_with_counts()

    @extend_schema(responses={200: CreditListSerializer(many=True), **ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ListEntryFilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["credit_list"] = getattr(view, "credit_list", None)
        return kwargs


class ListEntriesView(RateLimitHeadersMixin, generics.ListAPIView):
    """The subjects on a list today (cursor pagination)."""

    serializer_class = ListingSerializer
    filter_backends = [ListEntryFilterBackend]
    filterset_class = ListEntryFilter
    pagination_class = IdCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Listing.objects.none()
        self.credit_list = selectors.credit_list_get(code=self.kwargs["code"])
        if self.credit_list is None:
            raise Http404
        return selectors.list_entries(credit_list=self.credit_list)

    @extend_schema(responses={200: ListingSerializer(many=True), 404: ErrorSerializer, **ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CheckView(RateLimitHeadersMixin, APIView):
    """Bulk check: the status of up to 1,000 codes at once.

    An invalid code is flagged in its own result (`invalid` with a reason),
    not an error of the whole request.
    """

    @extend_schema(request=CheckRequestSerializer, responses={200: CheckResponseSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        serializer = CheckRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        day = periods.today()
        results = checks.codes_check(codes=serializer.validated_data["codes"], at=day)
        return Response(CheckResponseSerializer({"checked_on": day, "results": results}).data)


@extend_schema_field({"type": "string", "format": "feed-cursor"})
class CursorField(serializers.CharField):
    """Opaque: only a `next_cursor` the feed issued is valid (`format: feed-cursor`)."""


class QueryIntegerField(serializers.IntegerField):
    """An empty value is not a number (DRF would take it as absent, against the schema)."""

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, serializers.empty)


class ChangesQuerySerializer(serializers.Serializer):
    cursor = CursorField(required=False, allow_blank=True, max_length=200, help_text="`next_cursor` of your last page.")
    limit = QueryIntegerField(required=False, min_value=1, max_value=1000, default=100, help_text="1 to 1000, default 100.")

    def validate_cursor(self, value: str) -> feed.Position:
        if not value:
            return feed.START
        try:
            return feed.decode_cursor(value)
        except feed.InvalidCursor as exc:
            raise serializers.ValidationError(str(exc)) from None


class ChangesView(RateLimitHeadersMixin, APIView):
    """The change feed: every change to what is disclosed, in commit order.

    Start without a cursor (from the beginning), then always poll with the
    `next_cursor` of the last page: each event comes exactly once, in order,
    with no gaps; expiries appear on the first poll after the day they
    happen. For each item, upsert `record`/`listing` when `disclosed` is
    true, delete it from your copy otherwise.
    """

    @extend_schema(
        parameters=[ChangesQuerySerializer],
        responses={200: ChangePageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = ChangesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after = query.validated_data.get("cursor") or feed.START
        page = feed.changes(after=after, limit=query.validated_data["limit"])
        data = {"results": page.items, "next_cursor": page.cursor, "has_more": page.has_more}
        return Response(ChangePageSerializer(data).data, status=status.HTTP_200_OK)


class ApiIndexView(APIView):
    """The endpoints of this API version, with their methods and purpose."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        from django.urls import get_resolver

        prefix, resolver = get_resolver().namespace_dict["api"]
        endpoints = []
        for pattern in resolver.url_patterns:
            view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
            route = str(pattern.pattern)
            if view is None or view is ApiIndexView or not route:
                continue
            # Parameters named as in the OpenAPI schema, which calls a `pk` "id".
            path = "/" + prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("{pk}", "{id}")
            endpoints.append(
                {
                    "path": path,
                    "url": request.build_absolute_uri(path) if "{" not in path else None,
                    "methods": [m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)],
                    "description": (inspect.getdoc(view) or "").split("\n\n")[0].replace("\n", " "),
                }
            )
        return Response(
            {
                "version": "v1",
                "documentation": request.build_absolute_uri(reverse("api-docs")),
                "schema": request.build_absolute_uri(reverse("api:schema")),
                "endpoints": endpoints,
            }
        )
