"""Request bodies are limited before and while they are read.

- `UploadLimitMiddleware` refuses a request whose Content-Length is more than
  the portal accepts (413), before anything reads the body: a multipart form
  at most UPLOAD_MAX_FILES files of UPLOAD_MAX_BYTES plus
  DATA_UPLOAD_MAX_MEMORY_SIZE of fields; any other body at most
  DATA_UPLOAD_MAX_MEMORY_SIZE (Django checks that only when `request.body` is
  read, which DRF's parsers do not do).
- `LimitedUploadHandler`, first of FILE_UPLOAD_HANDLERS, stops reading a
  multipart body as soon as one file passes UPLOAD_MAX_BYTES, so that a
  large file is never streamed to a temporary file in full. The middleware
  parses multipart bodies itself, before CSRF middleware does, so that such
  a request gets the same clear 413 page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def max_request_bytes(content_type: str) -> int:
    """The largest body accepted for a request of this content type."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    if content_type.startswith("multipart/form-data"):
        return settings.UPLOAD_MAX_FILES * settings.UPLOAD_MAX_BYTES + fields
    return fields


class LimitedUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive; past the limit, stops reading."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            self.request.upload_refused = self.file_name
            # connection_reset: Django does not read (exhaust) the rest.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_large(request: HttpRequest, *, file_name: str = "") -> HttpResponse:
    limits = {
        "file_limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
        "files": settings.UPLOAD_MAX_FILES,
        "form_limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0),
    }
    if request.path.startswith("/api/"):
        message = _("The request body is larger than %(form_limit)s.") % limits
        return JsonResponse({"status": 413, "code": "too_large", "message": message, "fields": {}}, status=413)
    context = {**limits, "file_name": file_name, "back": request.path}
    response = render(request, "413.html", context, status=413)
    # The rest of the body was not read: the connection cannot be reused.
    response["Connection"] = "close"
    return response


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_request_bytes(content_type):
            return too_large(request)
        if request.method == "POST" and content_type.startswith("multipart/form-data"):
            try:
                request.POST  # noqa: B018 (parse now, with the limiting handler)
            except (RequestDataTooBig, TooManyFilesSent):
                return too_large(request)
            refused = getattr(request, "upload_refused", None)
            if refused is not None:
                return too_large(request, file_name=refused)
        return self.get_response(request)
