from typing import Any

from django import template

from reachable.children.header import child_header as build

register = template.Library()


@register.inclusion_tag("children/_header.html", takes_context=True)
def child_header(context: Any, child: Any) -> dict[str, Any]:
    """``{% child_header child %}`` on any page about a child: the page's view has already
    decided the reader may see the child."""
    return {"header": build(context["request"].user, child)}
