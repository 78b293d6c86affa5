"""`mukhattat worker`: run queued jobs (scan imports) from the PostgreSQL job queue."""

from typing import Annotated

import typer

from api.runtime import open_engine
from api.settings import get_settings
from plans.jobs import JobRuntime, WorkerOptions, run_worker


def worker(
    once: Annotated[
        bool, typer.Option("--once/--wait", help="Stop when the queue is empty instead of waiting")
    ] = False,
    heartbeat: Annotated[float, typer.Option(min=0.1, help="Heartbeat interval, s")] = 10.0,
    stalled_after: Annotated[
        float, typer.Option(min=0.5, help="A worker silent this long is dead, s")
    ] = 30.0,
) -> None:
    """Run jobs from the queue; jobs of dead workers are retried or marked failed."""
    settings = get_settings()
    engine = open_engine(settings)
    url = engine.url.render_as_string(hide_password=False)
    runtime = JobRuntime(
        engine=engine, storage_crs=settings.storage_crs, data_dir=settings.data_dir
    )
    options = WorkerOptions(
        wait=not once,
        heartbeat_s=heartbeat,
        stalled_after_s=stalled_after,
        recover_every_s=stalled_after,
    )
    typer.echo("worker started on the import queue")
    try:
        run_worker(url, runtime, options)
    finally:
        engine.dispose()
