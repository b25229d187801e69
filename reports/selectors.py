"""Reads of issued reports and files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from reports.models import IssuedFile


def issued_file_match(*, chunks: Iterable[bytes]) -> IssuedFile | None:
    """The issued file whose SHA-256 the streamed `chunks` have, if any."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return IssuedFile.objects.defer("content").filter(sha256=digest.hexdigest()).first()
