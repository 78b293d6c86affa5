"""Scan imports as queued jobs on procrastinate (PostgreSQL-backed): enqueue, run, recover.

A job's inputs are copied under ``<data_dir>/jobs/<id>/``; its `ImportJob` row records its
status (queued, running, succeeded, failed), attempts, last error and the resulting draft.
The procrastinate job is deferred in the same transaction as the row, so an enqueue that is
rolled back leaves no job behind.

The task body runs `import_scan` in one transaction that also marks the row succeeded: a
worker killed before the commit leaves no draft. The scan COG is written to the job's
staging folder and moved into ``<data_dir>/scans/`` only after the commit; a failed attempt
removes it. A failing job is retried `MAX_RETRIES` times, then marked failed with the reason.
A job whose worker died (no heartbeat) is found by `recover_stalled` and retried, or marked
failed when it has no retries left.
"""

import asyncio
import datetime as dt
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import procrastinate
from procrastinate import JobContext, RetryStrategy
from procrastinate.jobs import Status
from pyproj import CRS
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from gis.raster import DEFAULT_MAX_PIXELS
from plans.imports.scans import ScanImportRequest, ScanSource, import_scan
from plans.storage.models import ImportJob

logger = logging.getLogger("mukhattat.jobs")

MAX_RETRIES = 2
"""Retries after a failed attempt (so at most 1 + MAX_RETRIES attempts)."""
QUEUE = "imports"
SCAN_TASK = "import_scan"
KIND_SCAN = "scan"
STALLED = "the worker stopped during attempt {n} (killed or lost)"

_DEFER = text(
    "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, NULL, NULL, "
    "CAST(:args AS jsonb), NULL)::procrastinate_job_to_defer_v1])) AS id"
)


@dataclass(frozen=True)
class JobReport:
    """A job's state as reported to its caller."""

    id: int
    kind: str
    status: str
    municipality: str
    plan_number: str
    attempts: int
    error: str | None
    plan_version_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class JobRuntime:
    """What a worker needs to run import jobs: the database, storage CRS and data folder."""

    engine: Engine
    storage_crs: CRS
    data_dir: Path

    @property
    def sessions(self) -> sessionmaker[Session]:
        """Sessions on the runtime's engine."""
        return sessionmaker(self.engine)


def job_dir(data_dir: Path, job_id: int) -> Path:
    """Return the folder of a job's inputs and staged output."""
    return data_dir / "jobs" / str(job_id)


def enqueue_scan_import(session: Session, request: ScanImportRequest, *, data_dir: Path) -> int:
    """Save the scan's inputs under the job folder and queue its import; return the job id.

    The row and the procrastinate job are written in `session`'s transaction (flushed; the
    caller commits).
    """
    source = request.source
    job = ImportJob(
        kind=KIND_SCAN,
        status="queued",
        municipality=request.municipality,
        plan_number=request.plan_number,
        inputs={},
        attempts=0,
        created_by=request.created_by,
    )
    session.add(job)
    session.flush()
    folder = job_dir(data_dir, job.id)
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    for role, path in (("scan", source.scan), ("gcps", source.gcps), ("legend", source.legend)):
        names[role] = f"{role}{path.suffix.lower()}"
        shutil.copyfile(path, folder / names[role])
    job.inputs = {
        **names,
        "gcps_crs": str(source.gcps_crs) if source.gcps_crs is not None else None,
        "method": source.method,
        "style": source.style,
        "min_area_m2": source.min_area_m2,
        "max_pixels": source.max_pixels,
        "page": source.page,
        "frame": source.frame,
        "effective_from": request.effective_from.isoformat() if request.effective_from else None,
    }
    args = json.dumps({"job_id": job.id})
    job.queue_job_id = session.scalar(_DEFER, {"queue": QUEUE, "task": SCAN_TASK, "args": args})
    session.flush()
    return job.id


def job_report(session: Session, job_id: int) -> JobReport | None:
    """Return a job's status, attempts, last error and resulting draft (None if unknown)."""
    job = session.get(ImportJob, job_id)
    if job is None:
        return None
    return JobReport(
        id=job.id,
        kind=job.kind,
        status=job.status,
        municipality=job.municipality,
        plan_number=job.plan_number,
        attempts=job.attempts,
        error=job.error,
        plan_version_id=job.plan_version_id,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )


def request_of(job: ImportJob, folder: Path) -> ScanImportRequest:
    """Rebuild the import request from a job's saved inputs."""
    inputs = job.inputs
    source = ScanSource(
        scan=folder / inputs["scan"],
        gcps=folder / inputs["gcps"],
        legend=folder / inputs["legend"],
        gcps_crs=inputs["gcps_crs"],
        method=inputs["method"],
        style=inputs["style"],
        min_area_m2=float(inputs["min_area_m2"]),
        max_pixels=int(inputs.get("max_pixels", DEFAULT_MAX_PIXELS)),
        page=int(inputs.get("page", 1)),
        frame=inputs.get("frame", "auto"),
    )
    effective = inputs["effective_from"]
    return ScanImportRequest(
        source=source,
        municipality=job.municipality,
        plan_number=job.plan_number,
        effective_from=dt.date.fromisoformat(effective) if effective else None,
        created_by=job.created_by,
    )


def run_scan_import(runtime: JobRuntime, job_id: int, *, attempt: int, final: bool) -> None:
    """Run attempt `attempt` (1-based) of a scan-import job; raise if it fails.

    On failure the job row keeps the reason and becomes ``failed`` when `final`, else
    ``queued`` again (for the retry).
    """
    staging = job_dir(runtime.data_dir, job_id) / "staging"
    if _start(runtime, job_id, attempt=attempt, staging=staging):
        return
    try:
        with runtime.sessions() as session, session.begin():
            job = session.get_one(ImportJob, job_id)
            request = request_of(job, job_dir(runtime.data_dir, job_id))
            report = import_scan(
                session, request, storage_crs=runtime.storage_crs, scans_dir=staging
            )
            job.status, job.error, job.plan_version_id = "succeeded", None, report.plan_version_id
    except Exception as exc:
        shutil.rmtree(staging, ignore_errors=True)
        _record_failure(runtime, job_id, f"{type(exc).__name__}: {exc}", final=final)
        raise
    _publish_staged(staging, runtime.data_dir / "scans")


def _start(runtime: JobRuntime, job_id: int, *, attempt: int, staging: Path) -> bool:
    """Mark the job running (committed); return True if it had already succeeded."""
    with runtime.sessions() as session, session.begin():
        job = session.get_one(ImportJob, job_id, with_for_update=True)
        if job.status == "succeeded":  # committed, but the worker died before moving the COG
            _publish_staged(staging, runtime.data_dir / "scans")
            return True
        job.status, job.attempts = "running", attempt
    shutil.rmtree(staging, ignore_errors=True)  # a killed attempt's COG, never committed
    return False


def _record_failure(runtime: JobRuntime, job_id: int, reason: str, *, final: bool) -> None:
    with runtime.sessions() as session, session.begin():
        job = session.get_one(ImportJob, job_id, with_for_update=True)
        job.status, job.error = ("failed" if final else "queued"), reason
    logger.warning("import job %s failed (%s): %s", job_id, "final" if final else "retry", reason)


def _publish_staged(staging: Path, scans_dir: Path) -> None:
    """Move committed COGs from the staging folder to the scans folder (idempotent)."""
    if not staging.is_dir():
        return
    scans_dir.mkdir(parents=True, exist_ok=True)
    for cog in staging.glob("*.tif"):
        os.replace(cog, scans_dir / cog.name)
    shutil.rmtree(staging, ignore_errors=True)


def make_app(database_url: str, runtime: JobRuntime | None = None) -> procrastinate.App:
    """Return a procrastinate app on `database_url` with the scan-import task registered.

    `runtime` is needed only to run jobs (a worker), not to inspect the queue.
    """
    conninfo = make_url(database_url).set(drivername="postgresql")
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo.render_as_string(hide_password=False)
    )
    app = procrastinate.App(connector=connector)

    @app.task(
        name=SCAN_TASK,
        queue=QUEUE,
        pass_context=True,
        retry=RetryStrategy(max_attempts=MAX_RETRIES),
    )
    def scan_import_task(context: JobContext, job_id: int) -> None:
        if runtime is None:
            raise RuntimeError("this app cannot run jobs: it has no runtime")
        attempts = context.job.attempts  # attempts before this one
        run_scan_import(runtime, job_id, attempt=attempts + 1, final=attempts >= MAX_RETRIES)

    return app


async def recover_stalled(
    app: procrastinate.App, runtime: JobRuntime, *, heartbeat_timeout_s: float
) -> list[int]:
    """Retry, or fail when out of retries, the jobs of workers without a recent heartbeat.

    Returns the procrastinate ids of the recovered jobs.
    """
    manager = app.job_manager
    stalled = await manager.get_stalled_jobs(
        task_name=SCAN_TASK, seconds_since_heartbeat=heartbeat_timeout_s
    )
    for job in stalled:
        job_id = int(str(job.task_kwargs["job_id"]))
        final = job.attempts >= MAX_RETRIES
        reason = STALLED.format(n=job.attempts + 1)
        await asyncio.to_thread(_record_stalled, runtime, job_id, reason, final=final)
        if final:
            await manager.finish_job(job, status=Status.FAILED, delete_job=False)
        else:
            await manager.retry_job(job)
        logger.warning("recovered stalled job %s: %s", job_id, "failed" if final else "retried")
    await manager.prune_stalled_workers(seconds_since_heartbeat=heartbeat_timeout_s)
    return [job.id for job in stalled if job.id is not None]


def _record_stalled(runtime: JobRuntime, job_id: int, reason: str, *, final: bool) -> None:
    with runtime.sessions() as session, session.begin():
        job = session.get(ImportJob, job_id, with_for_update=True)
        if job is not None and job.status != "succeeded":
            job.status, job.error = ("failed" if final else "queued"), reason


@dataclass(frozen=True)
class WorkerOptions:
    """How a worker runs: waits for jobs or stops when idle, heartbeat and recovery timing."""

    wait: bool = True
    heartbeat_s: float = 10.0
    stalled_after_s: float = 30.0
    recover_every_s: float = 30.0


async def _recover_forever(
    app: procrastinate.App, runtime: JobRuntime, options: WorkerOptions
) -> None:
    while True:
        await asyncio.sleep(options.recover_every_s)
        try:
            await recover_stalled(app, runtime, heartbeat_timeout_s=options.stalled_after_s)
        except Exception:  # a database blip must not stop the worker
            logger.exception("stalled-job recovery failed; will try again")


async def _serve(app: procrastinate.App, runtime: JobRuntime, options: WorkerOptions) -> None:
    async with app.open_async():
        await recover_stalled(app, runtime, heartbeat_timeout_s=options.stalled_after_s)
        recovery = asyncio.create_task(_recover_forever(app, runtime, options))
        try:
            await app.run_worker_async(
                queues=[QUEUE],
                wait=options.wait,
                concurrency=1,
                update_heartbeat_interval=options.heartbeat_s,
                stalled_worker_timeout=options.stalled_after_s,
            )
        finally:
            recovery.cancel()


def run_worker(
    database_url: str, runtime: JobRuntime, options: WorkerOptions | None = None
) -> None:
    """Run a worker on the import queue until stopped (or, with ``wait=False``, until idle)."""
    app = make_app(database_url, runtime)
    asyncio.run(_serve(app, runtime, options or WorkerOptions()))


def queue_status(database_url: str, queue_job_id: int) -> Any:
    """Return procrastinate's own status of a queued job (for diagnostics)."""
    with make_app(database_url).open() as app:
        return app.job_manager.get_job_status(queue_job_id)
