"""At most a few account messages per address and hour, whatever asks for them.

Registration, confirmation resends and password resets all send mail to an
address typed by anyone; without a limit the forms could flood one inbox.
Counted in the shared cache (all server processes); the address is hashed.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import caches

WINDOW_SECONDS = 3600


def mail_allowed(*, address: str, kind: str = "account") -> bool:
    """Count one message to `address`; False once the hour's allowance is spent."""
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()
    key = f"mail-limit:{kind}:{digest}"
    cache = caches["shared"]
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
        sent = 1
    return sent <= settings.MAILS_PER_ADDRESS_PER_HOUR
