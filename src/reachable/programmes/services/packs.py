"""Issuing a board pack: built, rendered, kept byte for byte."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from reachable.programmes.access import write_check
from reachable.programmes.models import (
    BoardPack,
    Programme,
)
from reachable.programmes.periods import Quarter
from reachable.programmes.services._common import _audit


def pack_issue(*, user: Any, programme: Programme, quarter: Quarter) -> BoardPack:
    """Issue the board pack for a quarter that has ended: the HTML and PDF are kept as issued."""
    from reachable.programmes.pack import pack_build, pack_pdf

    write_check(user, programme, "issue board packs")
    if quarter.ends_on >= timezone.localdate():
        raise ValidationError({"quarter": "Issue a pack once the quarter has ended."})
    if programme.packs.filter(quarter_starts_on=quarter.starts_on).exists():
        raise ValidationError(
            {"quarter": f"The pack for {quarter.short} was issued already: download it below."}
        )
    issued_at = timezone.now()
    content = pack_build(programme, quarter, issued_at=issued_at)
    if not content.has_data:
        raise ValidationError(
            {
                "quarter": f"Nothing was recorded for {quarter.short}: no RAG update, actual, "
                "spend or meeting in the quarter. Record the quarter's progress first."
            }
        )
    html = content.html()
    pdf = pack_pdf(html)
    try:
        with transaction.atomic():
            pack = _pack_save(user, programme, quarter, issued_at, html, pdf)
    except IntegrityError:  # issued by someone else in the seconds this one took to build
        raise ValidationError(
            {"quarter": f"The pack for {quarter.short} was issued already: download it below."}
        ) from None
    return pack


def _pack_save(
    user: Any, programme: Programme, quarter: Quarter, issued_at: Any, html: str, pdf: bytes
) -> BoardPack:
    pack = BoardPack.objects.create(
        programme=programme,
        quarter_starts_on=quarter.starts_on,
        issued_at=issued_at,
        issued_by=user,
        html=html,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    _audit(user, "pack.issue", pack, quarter=quarter.short, sha256=pack.sha256)
    return pack
