"""Project-wide middleware."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the visitor chose English with the language switch.

    The portal speaks its official language first: a browser's
    Accept-Language (en-US on many office machines) does not switch it; only
    the language cookie set by the switch (Django's set_language view) does.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulCharactersMiddleware:
    """A NUL character (%00) in the path or query string is a bad request.

    No valid URL of the portal holds one, and PostgreSQL refuses NUL in text:
    a key carrying one would otherwise fail in the database (500).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            if request.path.startswith("/api/"):
                # The API's one error format (disclosure.api.exception_handler).
                message = "The URL contains a NUL character."
                body = {"status": 400, "code": "invalid", "message": message, "fields": {}}
                return JsonResponse(body, status=400)
            raise BadRequest("NUL character in the URL")
        return self.get_response(request)
