"""A client generated from /api/schema/ by openapi-python-client, as a partner's developer would
make one, records a detention and submits a return against a live test server: the schema is
enough to write a working integration, with no hand-written request."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from reachable.custody.models import Detention
from reachable.returns.models import ReturnPeriod, Submission
from reachable.returns.tests.test_submissions import HEADER_2026, ROWS
from reachable.testing import system_token

GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture
def committed(transactional_db, settings, tmp_path) -> Iterator[None]:
    from reachable.audit import guard
    from reachable.core.services import partnership_load
    from reachable.returns.spec import specs_load_all

    settings.REACHABLE_RETURNS_DIR = tmp_path / "returns"
    partnership_load()
    specs_load_all()
    yield
    guard.drop(connection)  # the audit guard would refuse emptying the database afterwards


def _generated(tmp_path: Path) -> Any:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    env = {**os.environ, "PATH": f"{GENERATOR.parent}:{os.environ.get('PATH', '')}"}
    subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(tmp_path / "reachable_client"),
            "--meta",
            "none",
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    sys.path.insert(0, str(tmp_path))
    importlib.invalidate_caches()
    return importlib.import_module("reachable_client")


def test_a_generated_client_records_a_detention_and_submits_a_return(
    committed: None, live_server: Any, tmp_path: Path
) -> None:
    package = _generated(tmp_path)
    client_mod = importlib.import_module("reachable_client.client")
    create = importlib.import_module("reachable_client.api.detentions.detentions_create")
    submit = importlib.import_module("reachable_client.api.returns.returns_create")
    follow = importlib.import_module("reachable_client.api.returns.returns_retrieve")
    models = importlib.import_module("reachable_client.models")
    types = importlib.import_module("reachable_client.types")
    assert package.AuthenticatedClient is client_mod.AuthenticatedClient

    custody = client_mod.AuthenticatedClient(
        base_url=live_server.url,
        token=system_token(
            "custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", name="Gen custody"
        ),
    )
    arrested = timezone.now() - dt.timedelta(hours=2)

    def detention(**overrides: Any) -> Any:
        fields = {
            "given_name": "Gen",
            "family_name": "Clientson",
            "date_of_birth": timezone.localdate() - dt.timedelta(days=15 * 365),
            "sex": "M",
            "suite": "wymondham-pic",
            "arrested_at": arrested,
            "arrived_at": arrested + dt.timedelta(minutes=25),
            "offence": "pwits-a",
            **overrides,
        }
        return models.DetentionCreateRequest(**fields)

    answer = create.sync_detailed(client=custody, body=detention())
    assert answer.status_code == 201, answer.content
    assert isinstance(answer.parsed, models.Detention)
    assert Detention.objects.get().pk == answer.parsed.id
    refused = create.sync_detailed(
        client=custody, body=detention(arrived_at=arrested - dt.timedelta(hours=1))
    )
    assert refused.status_code == 400
    assert isinstance(refused.parsed, models.Error)  # the documented error shape, parsed

    submitter = client_mod.AuthenticatedClient(
        base_url=live_server.url,
        token=system_token("data_submitter", "suffolk-yjs", None, name="Gen returns"),
    )
    csv = ("\n".join([HEADER_2026, *ROWS]) + "\n").encode()
    queued = submit.sync_detailed(
        client=submitter,
        body=models.ReturnUploadRequest(
            period=ReturnPeriod.objects.get(label="April to September 2026").pk,
            domain="youth-justice",
            county="suffolk",
            file=types.File(payload=io.BytesIO(csv), file_name="return.csv", mime_type="text/csv"),
        ),
    )
    assert queued.status_code == 202, queued.content
    for _ in range(50):  # the test settings check at once; a deployment would take a moment
        job = follow.sync(client=submitter, id=queued.parsed.id)
        if job.finished:
            break
        time.sleep(0.1)
    assert (
        job.status.value == "accepted" if hasattr(job.status, "value") else job.status == "accepted"
    )
    assert Submission.objects.get().rows == 3
