"""Public forms protected without third-party services: a honeypot field, and a count of
registrations per IP address per hour in the cache (configure a shared cache, such as
Django's database cache, when running more than one process). The per-email daily cap is a
database count (``registration.register``), so it holds across processes."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from reachable.events.services.tokens import keyed

HOUR = 3600


def ip_allowed(ip: str) -> bool:
    """Counts this attempt; False once the address has made too many this hour."""
    key = "events.ip:" + keyed("ip", ip)
    cache.add(key, 0, HOUR)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, HOUR)
        count = 1
    return count <= settings.REACHABLE_EVENT_REGISTRATIONS_PER_IP_HOUR
