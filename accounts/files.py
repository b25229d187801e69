"""Private uploads: proof of binding, repair evidence.

Files live under settings.PRIVATE_MEDIA_ROOT, outside any web root, and have
no URL: they are streamed only by views that check who is asking. Their type
is decided by their content (magic bytes), never by the name the browser sent.
"""

from __future__ import annotations

import os
import secrets

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# Detected MIME type -> extension the file is stored under.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}


@deconstructible
class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at PRIVATE_MEDIA_ROOT (read at use, so tests can move it)."""

    @property
    def base_location(self):  # type: ignore[override]
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):  # type: ignore[override]
        raise ValueError("private files have no public URL")


private_storage = PrivateStorage()


def sniff_upload(upload: UploadedFile) -> str:
    """The content type of an upload, or ValidationError when it is not allowed.

    Checks the size against settings.UPLOAD_MAX_BYTES and the first bytes of the
    content against PDF/JPEG/PNG signatures: a renamed executable is refused
    whatever its name says.
    """
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is too large (%(size)s); the limit is %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s is not a PDF, JPEG or PNG file (its content was checked, not its name).")
            % {"name": upload.name},
            code="bad_type",
        )
    return kind.mime


def stored_name(prefix: str, mime: str) -> str:
    """A random name with the extension of the detected type, never the user's name."""
    return f"{prefix}/{secrets.token_hex(16)}.{ALLOWED_TYPES[mime]}"
