"""Writing the audit trail: one function, `audit_record`, that other apps call.

    from audit.services import audit_record

    audit_record(action="repair.case.transition", target=case,
                 summary="accepted", before={"status": "submitted"}, after={"status": "accepted"})

Call it inside the transaction of the change it describes (it joins it), as
late as possible in that transaction: appending takes the chain's lock until
the commit. Who and from where default to the current request
(audit.context) or, in a management command, "system".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import chain, context
from audit.models import AuditEntry

# pg_advisory_xact_lock key of the chain ("audit" in ASCII).
CHAIN_LOCK = 0x6175646974

# Fields never copied into the trail: secrets, or hashes of them.
REDACTED = frozenset({"password", "key_hash", "secret", "token", "otp_secret", "session_key", "session_data"})


def json_safe(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return json.loads(json.dumps(dict(data), cls=DjangoJSONEncoder))


def audit_snapshot(obj: models.Model) -> dict[str, Any]:
    """Every stored field of `obj` (many-to-many as sorted ids), secrets left out."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in REDACTED or field.attname in REDACTED:
            continue
        data[field.attname] = getattr(obj, field.attname)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return json_safe(data)


def _lock_chain() -> None:
    """Serialise appends, so that two writers never link to the same entry.

    PostgreSQL: a transaction-level advisory lock, released at commit.
    SQLite: every transaction takes the database's write lock when it starts
    (transaction_mode IMMEDIATE in settings), which serialises them already.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def _actor(actor: AbstractBaseUser | str | None, request: HttpRequest | None) -> tuple[int | None, str]:
    user = getattr(request, "user", None) if request is not None else None
    if actor is None or (isinstance(actor, str) and user is not None and actor == user.get_username()):
        # A service given only the name of the request's user: keep the account id too.
        actor = user
    if isinstance(actor, str):
        return None, actor[:150]
    if actor is not None and actor.is_authenticated:
        return actor.pk, actor.get_username()[:150]
    return None, "anonymous" if request is not None else "system"


def audit_record(
    *,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    actor: AbstractBaseUser | str | None = None,
    target_type: str = "",
    target_id: str = "",
) -> AuditEntry:
    """Append one entry to the audit trail, in the caller's transaction.

    `action` is a dotted name ("accounts.binding.decide"); `target` the
    object acted on (or `target_type`/`target_id` when there is no object,
    e.g. a failed login); `before`/`after` its relevant fields (see
    audit_snapshot); `actor` a user or a name, default: the request's user.
    """
    request = context.current_request()
    actor_id, actor_name = _actor(actor, request)
    if target is not None:
        target_type, target_id = target._meta.label_lower, str(target.pk)
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        entry = AuditEntry(
            seq=last[0] + 1 if last else 1,
            at=timezone.now(),
            actor_id=actor_id,
            actor=actor_name,
            ip=context.client_ip(request) if request is not None else None,
            channel=context.channel_of(request),
            action=action,
            target_type=target_type,
            target_id=target_id[:64],
            summary=summary,
            before=json_safe(before),
            after=json_safe(after),
            prev_hash=last[1] if last else chain.GENESIS,
        )
        entry.hash = chain.entry_hash(entry)
        entry.save(force_insert=True)
    return entry
