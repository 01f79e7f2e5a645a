"""Everything the system holds about one child, found by following the foreign keys that point at
the record (and at what hangs off it), whatever app defined them.

Subject access exports it, retention deletes or anonymises it. Walking the schema, rather than a
hand-kept list, means a model added by a later app is exported and erased without anyone
remembering to register it; the completeness tests check this against every model that points at
a child.
"""

from __future__ import annotations

from collections import defaultdict
from graphlib import TopologicalSorter
from typing import Any

from django.db import models

from reachable.children.models import Child

Tree = dict[type[models.Model], dict[Any, models.Model]]


def _reverse_relations(model: type[models.Model]) -> list[Any]:
    # include_hidden: links declared with related_name="+" (chronology, peers) belong here too.
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def record_tree(child: Child) -> Tree:
    """Every row that belongs to the child's record, by model: the record itself, records merged
    into it, and everything pointing at any of them, level by level (one query per relation)."""
    tree: Tree = defaultdict(dict)
    tree[Child][child.pk] = child
    frontier: dict[type[models.Model], set[Any]] = {Child: {child.pk}}
    while frontier:
        found: dict[type[models.Model], set[Any]] = defaultdict(set)
        for model, pks in frontier.items():
            for rel in _reverse_relations(model):
                related = rel.related_model
                for obj in related._default_manager.filter(**{f"{rel.field.name}__in": pks}):
                    if obj.pk not in tree[related]:
                        tree[related][obj.pk] = obj
                        found[related].add(obj.pk)
        frontier = {m: p for m, p in found.items() if p}
    return dict(tree)


def deletion_order(tree: Tree) -> list[type[models.Model]]:
    """Models in an order that deletes rows before the rows they point at."""
    sorter: TopologicalSorter[type[models.Model]] = TopologicalSorter()
    for model in tree:
        sorter.add(model)
        for f in model._meta.concrete_fields:
            target = f.related_model if f.is_relation else None
            if isinstance(target, type) and target in tree and target is not model:
                sorter.add(target, model)  # model's rows go before target's rows
    return list(sorter.static_order())


def tree_delete(tree: Tree) -> int:
    """Delete every row of the tree. Run inside a transaction. Returns the number of rows."""
    deleted = 0
    for model in deletion_order(tree):
        rows = tree[model]
        if model is Child:
            # Records merged into the kept one point at it; they go first.
            ordered = sorted(rows.values(), key=lambda c: c.merged_into_id is None)  # type: ignore[attr-defined]
            for child in ordered:
                deleted += Child.objects.filter(pk=child.pk).delete()[0]
            continue
        deleted += model._default_manager.filter(pk__in=list(rows)).delete()[0]
    return deleted


def row_values(obj: models.Model) -> dict[str, Any]:
    """A row as plain values: foreign keys as ids with a label, many-to-many as lists of labels."""
    values: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if isinstance(f, models.BinaryField):
            continue
        if f.is_relation and value is not None:
            related = getattr(obj, f.name, None)
            values[f.name] = {"id": value, "label": str(related)} if related is not None else value
        elif f.choices and value not in (None, ""):
            values[f.name] = {"code": value, "label": getattr(obj, f"get_{f.name}_display")()}
        else:
            values[f.name] = value
    for m2m in obj._meta.many_to_many:
        values[m2m.name] = [str(o) for o in getattr(obj, m2m.name).all()]
    return values
