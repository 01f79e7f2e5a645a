from typing import Any

from django.apps import AppConfig


class LinesConfig(AppConfig):
    name = "reachable.lines"
    label = "lines"
    verbose_name = "County lines network"

    def record_section(self, user: Any, child: Any) -> dict[str, Any] | None:
        """The child's links to lines, on their record: only to an intelligence role working with
        the child (``lines.access``), to nobody else."""
        from reachable.lines.access import may_see_links_on_record
        from reachable.lines.selectors import child_links

        if not may_see_links_on_record(user, child.pk):
            return None
        return {"template": "lines/_record_section.html", "links": child_links(child_id=child.pk)}
