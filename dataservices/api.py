"""Webhook registration for API-key holders (under /api/v1/webhooks/)."""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dataservices import webhooks
from dataservices.models import ApiKey
from disclosure.api import ERRORS, RateLimitHeadersMixin
from disclosure.serializers import (
    ErrorSerializer,
    WebhookCreatedSerializer,
    WebhookCreateSerializer,
    WebhookSerializer,
)

# Ids are bigint primary keys: ASCII digits, at most 18 of them.
WEBHOOK_ID = re.compile(r"[0-9]{1,18}")


class HasApiKey(permissions.BasePermission):
    message = "Webhooks are for API-key holders: send your key in the Authorization or X-API-Key header."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ApiKey)


class WebhookListView(RateLimitHeadersMixin, APIView):
    """Your webhooks. Each receives every change-feed event from its creation on,
    as a POST of JSON signed with HMAC-SHA256 (header X-Signature)."""

    permission_classes = [HasApiKey]

    @extend_schema(responses={200: WebhookSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        hooks = webhooks.webhooks_of(api_key=request.auth)
        return Response(WebhookSerializer(hooks, many=True).data)

    @extend_schema(request=WebhookCreateSerializer, responses={201: WebhookCreatedSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        serializer = WebhookCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            hook = webhooks.webhook_register(api_key=request.auth, url=serializer.validated_data["url"])
        except (webhooks.WebhookURLRefused, webhooks.WebhookLimitReached) as exc:
            raise ValidationError({"url": [str(exc)]}) from None
        return Response(WebhookCreatedSerializer(hook).data, status=201)


class WebhookDetailView(RateLimitHeadersMixin, APIView):
    """One of your webhooks: DELETE removes it."""

    permission_classes = [HasApiKey]

    @extend_schema(
        # drf-spectacular names the path's `pk` "id" (SCHEMA_COERCE_PATH_PK);
        # a parameter called "pk" would not be in the path and the schema
        # would not validate (generated clients then drop the operation).
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The webhook's id.")],
        responses={204: None, 404: ErrorSerializer, **ERRORS},
    )
    def delete(self, request: Request, pk: str) -> Response:
        # Any path segment reaches this view, so that a bad id is a JSON 404.
        # str.isdigit() also accepts "³" and "١", which int() refuses.
        if not WEBHOOK_ID.fullmatch(pk) or not webhooks.webhook_remove(api_key=request.auth, pk=int(pk)):
            raise Http404
        return Response(status=204)
