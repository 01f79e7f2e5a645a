"""Submitting minimum dataset returns: who may send what, the background check, and accepting a
return atomically (pseudonymised, replacing the previous one for the same agency, county, period
and domain, which is kept as history)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reachable.accounts.permissions import agency_for, can
from reachable.audit.services import audit_record
from reachable.core.models import Agency, Area
from reachable.lib.tabular import chunks_save
from reachable.notifications import webhooks
from reachable.returns.models import Domain, Measure, ReturnPeriod, ReturnProblem, Submission
from reachable.returns.pseudonymise import encoders_register, person_encode
from reachable.returns.validation import PROBLEM_LIMIT, check_return, quoted, typed_select


def return_periods_load(data: dict[str, Any], *, where: str = "return_periods") -> int:
    """Partnership-file section: the six-monthly return periods."""
    from reachable.core.services import PartnershipFileError

    count = 0
    for i, p in enumerate(data.get("return_periods", []), start=1):
        here = f"{where} #{i} ({p.get('label', '?')})"
        dates = [p.get(k) for k in ("starts_on", "ends_on", "due_on")]
        if not p.get("label") or not p.get("spec_version"):
            raise PartnershipFileError(f"{here}: label and spec_version must be given.")
        if not all(isinstance(d, dt.date) for d in dates):
            raise PartnershipFileError(f"{here}: starts_on, ends_on and due_on must be dates.")
        if not dates[0] < dates[1] < dates[2]:
            raise PartnershipFileError(f"{here}: the period must start, end, then fall due.")
        ReturnPeriod.objects.update_or_create(
            label=p["label"],
            defaults={
                "starts_on": dates[0],
                "ends_on": dates[1],
                "due_on": dates[2],
                "spec_version": p["spec_version"],
                "closed": bool(p.get("closed", False)),
            },
        )
        count += 1
    return count


def counties_of(agency: Agency) -> list[Area]:
    """The counties an agency covers (it returns data for each separately)."""
    found: dict[int, Area] = {}
    for area in agency.areas.select_related("parent"):
        county = area if area.kind == Area.Kind.COUNTY else area.county()
        if county is not None:
            found[county.pk] = county
    return sorted(found.values(), key=lambda a: a.name)


def domains_for(agency: Agency, period: ReturnPeriod) -> list[Domain]:
    return list(
        Domain.objects.filter(
            version__version=period.spec_version,
            owner_agency_type=agency.agency_type.code,
        ).order_by("title")
    )


def _safe_name(filename: str) -> str:
    name = Path(filename).name
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:100] or "return"


def submission_queue(
    *,
    user: Any,
    period: ReturnPeriod,
    domain: Domain,
    county: Area,
    filename: str,
    chunks: Any,
    gaps: str = "",
) -> Submission:
    """Keep the upload (streamed to disk, never whole in memory) and queue its check."""
    if not can(user, "returns.submit"):
        raise ValidationError("Your role cannot submit returns.")
    agency = agency_for(user, "returns.submit")
    errors: dict[str, list[str]] = {}
    if period.closed:
        errors["period"] = [
            f"The period {period} is closed: returns for it are no longer taken. "
            "Ask the partnership's analyst to reopen it if a correction is needed."
        ]
    if domain.version.version != period.spec_version:
        errors["domain"] = [
            f"{period} is returned in version {period.spec_version} of the dataset; "
            f"choose the {domain.title} return of that version."
        ]
    elif domain.owner_agency_type != agency.agency_type.code:
        errors["domain"] = [
            f"{agency} ({agency.agency_type.label}) does not return the {domain.title} domain."
        ]
    if county not in counties_of(agency):
        errors["county"] = [f"{agency} does not cover {county}. Choose one of its counties."]
    if Path(filename).suffix.lower() not in {".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods"}:
        errors["file"] = ["Upload a CSV, XLSX or ODS file (the template is XLSX or CSV)."]
    if errors:
        raise ValidationError(errors)
    # Streamed to disk first, under the size limit: a refused file leaves no submission behind.
    received = chunks_save(chunks, Path(settings.REACHABLE_UPLOAD_DIR) / "returns", filename)
    submission = Submission.objects.create(
        agency=agency,
        county=county,
        period=period,
        domain=domain,
        submitted_by=user,
        submitted_at=timezone.now(),
        filename=Path(filename).name[:200],
        gaps=gaps.strip(),
    )
    folder = upload_dir(submission)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.move(received, folder / _safe_name(filename))
    audit_record(
        user=user,
        action="return.submit",
        obj=submission,
        detail={"domain": domain.key, "county": county.slug, "period": period.label},
    )
    from reachable.returns.tasks import run_submission_check

    run_submission_check.enqueue(submission.pk)
    return submission


def submission_run_again(*, user: Any, submission: Submission) -> Submission:
    """Queue again the check of a return whose worker was stopped part-way. The return was not
    accepted (acceptance is one transaction at the end), and the upload is still on disk."""
    if not submission.stalled:
        raise ValidationError("This return is not stopped: it is waiting, being checked or done.")
    if not any(upload_dir(submission).glob("*")):
        raise ValidationError("The uploaded file is no longer here: submit the return again.")
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.QUEUED, progress="", heartbeat_at=None
    )
    audit_record(user=user, action="return.rerun", obj=submission)
    from reachable.returns.tasks import run_submission_check

    run_submission_check.enqueue(submission.pk)
    submission.refresh_from_db()
    return submission


def _progress(jobs: Any, text: str) -> None:
    # Autocommitted, so the status page sees it while the check goes on; the heartbeat tells a
    # check that is working from one whose worker was stopped.
    jobs.update(progress=text, heartbeat_at=timezone.now())


def upload_dir(submission: Submission) -> Path:
    return Path(settings.REACHABLE_RETURNS_DIR) / "uploads" / str(submission.pk)


def stored_path(submission: Submission) -> Path:
    return Path(settings.REACHABLE_RETURNS_DIR) / "accepted" / f"{submission.pk}.parquet"


def names_path(submission: Submission) -> Path:
    return stored_path(submission).with_name(f"{submission.pk}-names.parquet")


def _kept_value(measure: Measure | None, value: str) -> str:
    # Values in identifier columns are names, dates of birth, references: not kept on the server.
    if measure is not None and measure.role == Measure.Role.IDENTIFIER:
        return ""
    return value[:200]


def submission_process(submission: Submission) -> Submission:
    """Check the uploaded file; accept it (pseudonymised) or record its problems. The upload is
    deleted either way."""
    jobs = Submission.objects.filter(pk=submission.pk)
    folder = upload_dir(submission)
    files = sorted(folder.glob("*")) if folder.exists() else []
    con = duckdb.connect()
    try:
        if not files:
            raise ValidationError("The uploaded file is missing; upload it again.")
        jobs.update(
            status=Submission.Status.CHECKING,
            progress="Reading the file",
            heartbeat_at=timezone.now(),
        )
        period = submission.period
        checked = check_return(
            files[0],
            filename=submission.filename,
            domain=submission.domain,
            period=(period.starts_on, period.ends_on),
            con=con,
            workdir=folder,
            progress=lambda text: _progress(jobs, text),
        )
        if not checked.ok:
            measures = {m.name: m for m in submission.domain.measures.all()}
            with transaction.atomic():
                ReturnProblem.objects.bulk_create(
                    ReturnProblem(
                        submission=submission,
                        row=p.row,
                        column=p.column[:100],
                        value=_kept_value(
                            measures.get(checked.columns.get(p.column, p.column)), p.value
                        ),
                        message=p.message,
                    )
                    for p in checked.problems[:PROBLEM_LIMIT]
                )
                jobs.update(
                    status=Submission.Status.REJECTED,
                    rows=checked.rows,
                    problem_count=checked.problem_count,
                    notes=checked.notes,
                    progress="",
                    finished_at=timezone.now(),
                )
            audit_record(
                user=None,
                action="return.reject",
                obj=submission,
                detail={"problems": checked.problem_count},
            )
            webhooks.return_checked(submission, Submission.Status.REJECTED)
        else:
            jobs.update(progress=f"Storing {checked.rows:,} rows")
            _accept(submission, checked.columns, checked.rows, checked.notes, con)
    except ValidationError as exc:
        jobs.update(
            status=Submission.Status.FAILED,
            progress=" ".join(exc.messages),
            finished_at=timezone.now(),
        )
    finally:
        con.close()
        shutil.rmtree(folder, ignore_errors=True)
    submission.refresh_from_db()
    return submission


def _measures_present(con: duckdb.DuckDBPyConnection, columns: dict[str, str]) -> list[str]:
    """The measures of the return with at least one value (for the completeness matrix)."""
    # The return has passed its check, so any cell with text in it holds a valid value; each
    # probe stops at the first one.
    probes = " UNION ALL ".join(
        f"(SELECT ?::VARCHAR FROM raw WHERE trim({quoted(raw)}) <> '' LIMIT 1)" for raw in columns
    )
    found = {
        row[0]
        for row in con.execute(f"SELECT * FROM ({probes})", list(columns.values())).fetchall()
    }
    return [m for m in columns.values() if m in found]


def _accept(
    submission: Submission,
    columns: dict[str, str],
    rows: int,
    notes: list[str],
    con: duckdb.DuckDBPyConnection,
) -> None:
    domain = submission.domain
    person = domain.level == Domain.Level.PERSON
    con.execute(
        "CREATE OR REPLACE TEMP VIEW typed AS "
        + typed_select(domain, columns, identifiers_as_text=person)
    )
    measures = [
        m.name
        for m in domain.measures.all()
        if m.name in columns.values() and m.role != Measure.Role.IDENTIFIER
    ]
    target = stored_path(submission)
    target.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(select: str, path: Path) -> None:
        partial = path.with_suffix(".partial")
        # Rows carry their line number (_row), so the file need not keep the upload's order,
        # and DuckDB may write it in parallel.
        con.execute("SET preserve_insertion_order = false")
        try:
            con.execute(f"COPY ({select}) TO '{partial}' (FORMAT parquet)")
        finally:
            con.execute("RESET preserve_insertion_order")
        written.append(partial)

    present = _measures_present(con, columns)
    if person:
        encoders_register(con)
        encoding = person_encode(
            "typed",
            submission.agency.slug,
            kept=measures,
            postcode="postcode" in columns.values(),
            nhs="nhs_number" in columns.values(),
        )
        for statement in encoding.statements:
            con.execute(statement)
        write(encoding.rows, target)
        # Each name's code and filter, without the name, for linkage.
        write(encoding.names, names_path(submission))
    else:
        write("SELECT * FROM typed", target)
    try:
        with transaction.atomic():
            previous = (
                Submission.objects.select_for_update()
                .filter(
                    agency=submission.agency,
                    county=submission.county,
                    period=submission.period,
                    domain__key=domain.key,
                    status=Submission.Status.ACCEPTED,
                )
                .exclude(pk=submission.pk)
                .first()
            )
            if previous is not None:
                Submission.objects.filter(pk=previous.pk).update(
                    status=Submission.Status.SUPERSEDED
                )
            Submission.objects.filter(pk=submission.pk).update(
                status=Submission.Status.ACCEPTED,
                rows=rows,
                notes=notes,
                progress="",
                stored_as=str(target),
                measures_present=present,
                replaces=previous,
                finished_at=timezone.now(),
            )
            audit_record(
                user=None,
                action="return.accept",
                obj=submission,
                detail={"rows": rows, "replaces": previous.pk if previous else None},
            )
            webhooks.return_checked(submission, Submission.Status.ACCEPTED)
            for partial in written:
                partial.rename(partial.with_suffix(".parquet"))
    except Exception:
        for partial in written:
            partial.unlink(missing_ok=True)
        raise
