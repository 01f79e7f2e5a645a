"""Background jobs for custody: a queued CSV import runs here, reporting its progress as it goes."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import task

from reachable.accounts.permissions import can
from reachable.audit.services import audit_record
from reachable.custody.importer import MAX_PROBLEMS_KEPT, detentions_import
from reachable.custody.models import DetentionImport
from reachable.lib.tabular import SPREADSHEETS, chunks_save

log = logging.getLogger(__name__)


@task()
def run_detention_import(import_id: int) -> str:
    job = DetentionImport.objects.select_related("uploaded_by").get(pk=import_id)
    if job.finished:
        return job.status  # a re-delivered job changes nothing
    jobs = DetentionImport.objects.filter(pk=import_id)
    jobs.update(status=DetentionImport.Status.CHECKING, heartbeat_at=timezone.now())

    def checked(rows: int) -> None:
        # Autocommitted before the import's own transaction begins, so the page sees it at once;
        # the heartbeat tells a job that is working from one whose worker was stopped.
        jobs.update(rows_checked=rows, heartbeat_at=timezone.now())

    stored = Path(job.stored_as)
    try:
        if not stored.exists():
            raise FileNotFoundError(f"the uploaded file {stored} is missing")
        result = detentions_import(
            user=job.uploaded_by, path=stored, filename=job.filename, progress=checked
        )
    except Exception:
        log.exception("Detention import %s failed", import_id)
        jobs.update(status=DetentionImport.Status.FAILED, finished_at=timezone.now())
        stored.unlink(missing_ok=True)
        raise
    jobs.update(
        status=DetentionImport.Status.DONE if result.ok else DetentionImport.Status.REJECTED,
        rows_in_file=result.rows,
        rows_checked=result.rows,
        finished_at=timezone.now(),
        created=result.created,
        already_imported=result.already_imported,
        new_children=result.new_children,
        problems=[e.__dict__ for e in result.errors[:MAX_PROBLEMS_KEPT]],
    )
    # The rows now live in the detentions (or were refused); the uploaded file is not kept.
    stored.unlink(missing_ok=True)
    return str(jobs.values_list("status", flat=True).get())


def import_queue(*, user: Any, chunks: Iterable[bytes], filename: str) -> DetentionImport:
    """Keep the uploaded file (streamed to disk, under the upload size limit) and queue its
    import; the page then follows the job's progress."""
    if not can(user, "custody.import"):
        raise ValidationError("Your role cannot import detentions.")
    if Path(filename).suffix.lower() not in {".csv", ".txt", *SPREADSHEETS}:
        raise ValidationError({"file": ["Upload a CSV, XLSX or ODS file."]})
    stored = chunks_save(chunks, Path(settings.REACHABLE_UPLOAD_DIR) / "custody", filename)
    job = DetentionImport.objects.create(
        uploaded_by=user, filename=Path(filename).name[:200], stored_as=str(stored), rows_in_file=0
    )
    audit_record(user=user, action="detention.import.queue", obj=job, detail={"file": filename})
    run_detention_import.enqueue(job.pk)
    return job


def import_run_again(*, user: Any, job: DetentionImport) -> DetentionImport:
    """Queue again an import whose worker was stopped part-way. Nothing of it was saved (the
    import is one transaction), and a detention already recorded is counted as already imported,
    never added twice, so running it again is safe."""
    if job.uploaded_by_id != user.pk:
        raise ValidationError("Only the person who uploaded the file can run its import again.")
    if not job.stalled:
        raise ValidationError("This import is not stopped: it is waiting, running or finished.")
    if not Path(job.stored_as).exists():
        raise ValidationError("The uploaded file is no longer here: upload it again.")
    DetentionImport.objects.filter(pk=job.pk).update(
        status=DetentionImport.Status.QUEUED, rows_checked=0, heartbeat_at=None
    )
    audit_record(user=user, action="detention.import.rerun", obj=job)
    run_detention_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


REMOVED_VALUE = "[removed after REACHABLE_IMPORT_REPORT_DAYS]"


def import_reports_expire(now: Any = None) -> int:
    """Remove the values quoted in import problem reports (names, dates of birth of children not
    yet recorded) once the report is REACHABLE_IMPORT_REPORT_DAYS old. The uploaded file itself is
    deleted when its job runs; the row, column and fix stay, so the report still says what was
    wrong. Returns how many reports were cleared."""
    import datetime as dt

    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.REACHABLE_IMPORT_REPORT_DAYS)
    cleared = 0
    for job in DetentionImport.objects.filter(finished_at__lt=cutoff).exclude(problems=[]):
        if all(p.get("value") in ("", REMOVED_VALUE) for p in job.problems):
            continue
        job.problems = [
            {**p, "value": REMOVED_VALUE if p.get("value") else ""} for p in job.problems
        ]
        job.save(update_fields=["problems"])
        cleared += 1
    return cleared
