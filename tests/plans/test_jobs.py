"""Scan imports on the job queue: success, retries then failure, and a worker killed mid-job."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plans import jobs
from plans.imports.scans import ScanImportRequest, ScanSource
from plans.storage.database import make_engine
from plans.storage.models import PlanVersion, Zone
from tests.factories import write_sheet_files

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runtime(fresh_url, storage_crs, tmp_path):
    engine = make_engine(fresh_url, pool_size=2)
    yield jobs.JobRuntime(engine=engine, storage_crs=storage_crs, data_dir=tmp_path / "data")
    engine.dispose()


def _enqueue(runtime, tmp_path) -> int:
    scan, gcps, legend, _sheet = write_sheet_files(tmp_path)
    request = ScanImportRequest(
        source=ScanSource(scan=scan, gcps=gcps, legend=legend, method="affine"),
        municipality="TST",
        plan_number="S-1",
    )
    with Session(runtime.engine) as session, session.begin():
        return jobs.enqueue_scan_import(session, request, data_dir=runtime.data_dir)


def _report(runtime, job_id):
    with Session(runtime.engine) as session:
        return jobs.job_report(session, job_id)


def _versions(runtime) -> tuple[int, int]:
    with Session(runtime.engine) as session:
        return (
            session.scalar(select(func.count()).select_from(PlanVersion)) or 0,
            session.scalar(select(func.count()).select_from(Zone)) or 0,
        )


def _cogs(runtime) -> list[Path]:
    return sorted(runtime.data_dir.rglob("*.tif"))


def test_job_runs_and_produces_a_draft(fresh_url, runtime, tmp_path):
    job_id = _enqueue(runtime, tmp_path)
    assert _report(runtime, job_id).status == "queued"
    jobs.run_worker(fresh_url, runtime, jobs.WorkerOptions(wait=False))
    report = _report(runtime, job_id)
    assert (report.status, report.attempts, report.error) == ("succeeded", 1, None)
    with Session(runtime.engine) as session:
        version = session.get_one(PlanVersion, report.plan_version_id)
        assert (version.status, version.source_kind) == ("draft", "scan")
    assert _cogs(runtime) == [runtime.data_dir / "scans" / f"plan-version-{version.id}.tif"]


def test_failing_job_is_retried_then_failed_and_leaves_nothing(
    fresh_url, runtime, tmp_path, monkeypatch
):
    real = jobs.import_scan
    calls = []

    def fail_after_writing(session, request, **kwargs):
        real(session, request, **kwargs)  # rows flushed and the COG written, then:
        calls.append(1)
        raise RuntimeError("vectoriser exploded")

    monkeypatch.setattr(jobs, "import_scan", fail_after_writing)
    job_id = _enqueue(runtime, tmp_path)
    jobs.run_worker(fresh_url, runtime, jobs.WorkerOptions(wait=False))
    report = _report(runtime, job_id)
    assert len(calls) == 1 + jobs.MAX_RETRIES
    assert (report.status, report.attempts) == ("failed", 1 + jobs.MAX_RETRIES)
    assert report.error == "RuntimeError: vectoriser exploded"
    assert report.plan_version_id is None
    assert _versions(runtime) == (0, 0)
    assert _cogs(runtime) == []


WORKER_SCRIPT = """
import sys, time
from pathlib import Path
from pyproj import CRS
import plans.imports.scans as scans
from plans import jobs
from plans.storage.database import make_engine

url, data_dir, marker = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
real_write_cog = scans.write_cog

def write_cog_then_hang(*args, **kwargs):
    real_write_cog(*args, **kwargs)  # rows flushed, COG staged, nothing committed
    marker.touch()
    time.sleep(600)

scans.write_cog = write_cog_then_hang
engine = make_engine(url, pool_size=2)
runtime = jobs.JobRuntime(engine=engine, storage_crs=CRS.from_epsg(32637), data_dir=data_dir)
options = jobs.WorkerOptions(wait=True, heartbeat_s=0.5, stalled_after_s=2, recover_every_s=1)
jobs.run_worker(url, runtime, options)
"""


def _start_hanging_worker(fresh_url, runtime, tmp_path) -> tuple[subprocess.Popen[bytes], Path]:
    script = tmp_path / "worker.py"
    script.write_text(textwrap.dedent(WORKER_SCRIPT))
    marker = tmp_path / "in-the-middle"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(script), fresh_url, str(runtime.data_dir), str(marker)]
    return subprocess.Popen(command, env=env, cwd=ROOT), marker


def _wait_for(predicate, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def test_killed_worker_leaves_no_draft_and_job_is_retried(fresh_url, runtime, tmp_path):
    job_id = _enqueue(runtime, tmp_path)
    process, marker = _start_hanging_worker(fresh_url, runtime, tmp_path)
    try:
        _wait_for(marker.exists, timeout_s=20)
        assert _report(runtime, job_id).status == "running"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
    assert _versions(runtime) == (0, 0)  # the killed transaction was rolled back
    time.sleep(2.5)  # the dead worker's heartbeat is now stale
    options = jobs.WorkerOptions(wait=False, heartbeat_s=0.5, stalled_after_s=2)
    jobs.run_worker(fresh_url, runtime, options)  # recovers the job, then runs it
    report = _report(runtime, job_id)
    assert (report.status, report.attempts) == ("succeeded", 2)
    assert _versions(runtime)[0] == 1
    assert _cogs(runtime) == [
        runtime.data_dir / "scans" / f"plan-version-{report.plan_version_id}.tif"
    ]
