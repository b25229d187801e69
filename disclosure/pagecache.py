"""Cached public answers that never outlive a change in what is disclosed.

A cached subject page (or API subject detail) is stored under a key made of
everything its content depends on, so that a change never has to find and
delete entries: it makes a new key, and the old entry is never asked for
again (it expires by itself at the next Beijing midnight).

* The subject's DisclosureEvent log: the number of its events and the last
  id. Every write that changes what is disclosed about a subject writes an
  event in the same transaction — services, the importer (set-based), the
  calendar materialisation, category rule changes — so no writer needs to
  know about the cache. The count is needed besides the id because on
  PostgreSQL an event committed late can carry a lower id than one already
  visible.
* The subject's `updated_at` (its name, region, representative, former
  names), kept by every writer of a subject.
* The catalogue generation (`CacheGeneration`), raised in the transaction of
  every change to a category, list or authority (the receivers below): their
  names, sections and repairability are on the page but no event describes
  them.
* Today's Beijing date: disclosure starts and ends only at a date boundary,
  and "repairable from" turns with the date; an entry is never served on a
  later day than the one it was built on.
* The language, the kind of answer and its parameters (group, page), and a
  digest of the templates and translations that render it.

The version is read with the subject, before anything else of the page:
the content read afterwards can only be newer than its key, never older.

Entries hold only public content, the same for every visitor: the page body
is rendered without the request (no user, messages, CSRF token); the parts
that depend on the visitor are rendered around it on every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language

from disclosure import periods
from disclosure.models import Authority, Category, CreditList, Subject

T = TypeVar("T")

# Raise when the context a cached template receives changes shape.
FORMAT = 1


@cache
def _code_stamp() -> str:
    """A digest of the templates and compiled translations of the app: a
    deployment that renders differently never reads the previous one's pages."""
    digest = hashlib.sha256(str(FORMAT).encode())
    app = Path(__file__).resolve().parent
    for path in sorted([*app.glob("templates/**/*.html"), *app.glob("locale/**/*.mo")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def subject_key(*, kind: str, subject: Subject, day: dt.date, **params: Any) -> str:
    """The cache key of a public answer about `subject` on `day`.

    `subject` must come from `selectors.subject_get` / `subject_public_get`,
    which annotate its version (events count and last id, catalogue
    generation) in the same query.
    """
    parts = [
        kind,
        _code_stamp(),
        get_language() or "",
        day.isoformat(),
        str(subject.pk),
        f"{subject.updated_at.timestamp():.6f}",
        str(subject.events_count),
        str(subject.events_last),
        str(subject.catalogue_generation),
        *(f"{name}={params[name]}" for name in sorted(params)),
    ]
    return "page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _seconds_left(day: dt.date) -> int:
    """Until the next Beijing midnight (the key changes then anyway)."""
    now = dt.datetime.now(periods.BEIJING)
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=periods.BEIJING)
    return max(1, min(int((midnight - now).total_seconds()), settings.PAGE_CACHE_SECONDS))


def cached(key: str, *, day: dt.date, build: Callable[[], T]) -> T:
    """The cached value under `key`, or `build()` stored under it.

    Not inside a transaction: what it has seen may still be rolled back, and
    on SQLite a rolled-back event id is handed out again, to another change.
    """
    if not settings.PAGE_CACHE_SECONDS or connection.in_atomic_block:
        return build()
    value = shared_cache.get(key)
    if value is None:
        value = build()
        shared_cache.set(key, value, _seconds_left(day))
    return value


# --- The catalogue generation ------------------------------------------------


def _catalogue_changed(sender: type, instance: Any, created: bool = False, **kwargs: Any) -> None:
    # Not a business rule: a cache key. Raised in the writer's transaction, so
    # that the new generation becomes visible with the change itself. A new
    # authority cannot be on a page yet (its records bring events), and not
    # raising then keeps imports, which create authorities, off the counter row.
    if sender is Authority and created:
        return
    from disclosure import services

    services.cache_generation_raise()


for _model in (Category, CreditList, Authority):
    receiver(post_save, sender=_model, dispatch_uid=f"pagecache-save-{_model.__name__}")(_catalogue_changed)
    receiver(post_delete, sender=_model, dispatch_uid=f"pagecache-delete-{_model.__name__}")(_catalogue_changed)
