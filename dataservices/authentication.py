"""DRF authentication by API key, sent in a header, never in the URL."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from dataservices.keys import api_key_find
from dataservices.models import ApiKey

URL_KEY_PARAMETERS = ("api_key", "apikey", "key", "access_key")


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>` or `X-API-Key: <key>`.

    No header: anonymous (free, throttled per client). A header with an
    unknown or revoked key: 401, never a silent fallback to anonymous.
    """

    keyword = "Api-Key"

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiKey] | None:
        # A key in the URL ends up in access logs and browser histories:
        # refuse it rather than silently serving the request anonymously.
        if any(name in request.query_params for name in URL_KEY_PARAMETERS):
            raise exceptions.AuthenticationFailed(
                _("Send the API key in the X-API-Key or Authorization header, never in the URL.")
            )
        key = request.headers.get("X-API-Key", "")
        authorization = request.headers.get("Authorization", "")
        if not key and authorization:
            scheme, _sep, value = authorization.partition(" ")
            if scheme.lower() != self.keyword.lower():
                return None
            key = value
        if not key:
            return None
        api_key = api_key_find(key=key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        if not api_key.is_active:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        return AnonymousUser(), api_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
