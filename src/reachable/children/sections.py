"""Parts of a child's record page that belong to apps built above this one.

An app adds a part by giving its AppConfig a ``record_section(user, child)`` method that returns a
dict with a ``template`` (and whatever the template reads), or None when this reader may not see
it. The app's own access module decides; this module only asks each app, so children imports none.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps


def record_sections(user: Any, child: Any) -> list[dict[str, Any]]:
    found = []
    for config in apps.get_app_configs():
        section = getattr(config, "record_section", None)
        if section is None:
            continue
        shown = section(user, child)
        if shown:
            found.append(shown)
    return found
