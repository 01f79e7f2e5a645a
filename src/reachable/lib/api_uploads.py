"""The API's side of an upload: the file streamed to disk under the size limit, imported by the
module's own import, and the same problem report the page shows, as JSON."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.response import Response

from reachable.lib.row_import import ImportResult
from reachable.lib.tabular import chunks_save


def problem(column: str, value: str, message: str) -> Response:
    return Response(
        {"problems": [{"row": 0, "column": column, "value": value, "message": message}]},
        status=status.HTTP_400_BAD_REQUEST,
    )


def import_response(upload: Any, run: Callable[[Path, str], ImportResult]) -> Response:
    """200 with what was written, or 400 with every problem (nothing written)."""
    if upload is None:
        return problem("file", "", "Send the file.")
    name = upload.name or "upload.csv"
    with tempfile.TemporaryDirectory() as held:
        try:
            path = chunks_save(upload.chunks(), Path(held), name)
        except ValidationError as exc:  # over the size limit
            return problem("file", name, " ".join(exc.messages))
        result = run(path, name)
    if result.errors:
        return Response(
            {"problems": [e.__dict__ for e in result.errors[:500]]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return Response({"written": result.written, "notes": result.notes})
