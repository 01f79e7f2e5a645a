"""Background jobs for returns: a queued return is checked, then accepted or rejected, here."""

from __future__ import annotations

from django_tasks import task

from reachable.returns.models import Submission
from reachable.returns.services import submission_process


@task()
def run_submission_check(submission_id: int) -> str:
    submission = Submission.objects.select_related("period", "domain", "agency").get(
        pk=submission_id
    )
    if submission.finished:
        return submission.status  # a re-delivered job changes nothing
    return submission_process(submission).status


@task()
def run_linkage(run_id: int) -> str:
    from reachable.returns.linkage_services import linkage_process
    from reachable.returns.models import LinkageRun

    run = LinkageRun.objects.select_related("period", "based_on").get(pk=run_id)
    if run.status != LinkageRun.Status.QUEUED:
        return run.status  # a re-delivered job changes nothing
    return linkage_process(run).status
