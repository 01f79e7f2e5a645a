"""Training evaluation: a generic instrument engine and the change from before to after.

Scoring, for any instrument: each answer lies on the scale from ``scale_min`` to ``scale_max``;
a reverse-keyed item counts as ``scale_min + scale_max - answer``; "not applicable" (None) is
missing; a subscale's score is the mean of its answered items, and is itself missing when fewer
than ``min_answered`` of its items were answered. The change per subscale is the mean of the
paired differences (after minus before, people who answered both), with a 95% confidence
interval from Student's t distribution. No score is about a child: these are practitioners'
answers about their own practice.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from scipy import stats

from reachable.events.models import EvaluationResponse, Instrument, Series
from reachable.events.services.tokens import keyed
from reachable.lib.charts import Chart, bar_chart


def subscales(instrument: Instrument) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for item in instrument.items.all():
        found.setdefault(item.subscale, []).append(item)
    return found


def answers_check(instrument: Instrument, answers: dict[Any, Any]) -> dict[str, int | None]:
    """Every item answered on the scale or marked not applicable; refuses anything else."""
    clean: dict[str, int | None] = {}
    problems = {}
    for item in instrument.items.all():
        value = answers.get(str(item.number), answers.get(item.number, ""))
        if value is None or value == "na":
            clean[str(item.number)] = None
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = instrument.scale_min - 1
        if not instrument.scale_min <= number <= instrument.scale_max:
            problems[f"item_{item.number}"] = (
                f"Question {item.number}: choose an answer from {instrument.scale_min} to "
                f"{instrument.scale_max}, or 'not applicable'."
            )
        clean[str(item.number)] = number
    if problems:
        raise ValidationError(problems)
    return clean


def scores(instrument: Instrument, answers: dict[str, int | None]) -> dict[str, float | None]:
    """Each subscale's mean, reverse keys applied, missing below the answered share."""
    result: dict[str, float | None] = {}
    flip = instrument.scale_min + instrument.scale_max
    needed = Decimal(instrument.min_answered)
    for name, items in subscales(instrument).items():
        values = []
        for item in items:
            answer = answers.get(str(item.number))
            if answer is not None:
                values.append(flip - answer if item.reverse_keyed else answer)
        enough = len(values) > 0 and Decimal(len(values)) / len(items) >= needed
        result[name] = statistics.fmean(values) if enough else None
    return result


def response_record(
    *, instrument: Instrument, series: Series, email: str, phase: str, answers: dict[str, Any]
) -> EvaluationResponse:
    clean = answers_check(instrument, answers)
    participant = keyed("participant", f"{series.pk}:{email.strip().lower()}")
    try:
        with transaction.atomic():
            return EvaluationResponse.objects.create(
                instrument=instrument,
                series=series,
                participant=participant,
                phase=phase,
                answers=clean,
            )
    except IntegrityError as exc:
        when = dict(EvaluationResponse.Phase.choices)[phase].lower()
        raise ValidationError(
            f"You have already answered the questions for {when} the series: thank you."
        ) from exc


@dataclass(frozen=True)
class Change:
    subscale: str
    pairs: int
    before: float | None
    after: float | None
    change: float | None
    low: float | None
    high: float | None


def change_by_subscale(instrument: Instrument, series: Series) -> list[Change]:
    responses = EvaluationResponse.objects.filter(instrument=instrument, series=series)
    by_person: dict[str, dict[str, dict[str, float | None]]] = {}
    for response in responses:
        by_person.setdefault(response.participant, {})[response.phase] = scores(
            instrument, response.answers
        )
    changes = []
    for name in subscales(instrument):
        pairs = [
            (phases["pre"][name], phases["post"][name])
            for phases in by_person.values()
            if "pre" in phases and "post" in phases
        ]
        pairs_found = [(b, a) for b, a in pairs if b is not None and a is not None]
        diffs = [a - b for b, a in pairs_found]
        low = high = None
        if len(diffs) >= 2:
            spread = statistics.stdev(diffs) / math.sqrt(len(diffs))
            margin = float(stats.t.ppf(0.975, len(diffs) - 1)) * spread
            low, high = statistics.fmean(diffs) - margin, statistics.fmean(diffs) + margin
        changes.append(
            Change(
                subscale=name,
                pairs=len(diffs),
                before=statistics.fmean(b for b, _ in pairs_found) if pairs_found else None,
                after=statistics.fmean(a for _, a in pairs_found) if pairs_found else None,
                change=statistics.fmean(diffs) if diffs else None,
                low=low,
                high=high,
            )
        )
    return changes


def change_chart(instrument: Instrument, changes: list[Change]) -> Chart:
    return bar_chart(
        f"{instrument.name}: before and after, people who answered both",
        [c.subscale for c in changes],
        {
            "Before": [None if c.before is None else round(c.before, 2) for c in changes],
            "After": [None if c.after is None else round(c.after, 2) for c in changes],
        },
        y_label=f"Mean score ({instrument.scale_min} to {instrument.scale_max})",
    )
