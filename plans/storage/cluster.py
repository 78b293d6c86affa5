"""A private PostgreSQL cluster in a folder: created with initdb, started on a free local port.

This is the embedded default (`mukhattat db up`) and the throwaway cluster of the test session.
PostgreSQL refuses to run as root, so when we are root the cluster belongs to and runs as the
`postgres` system user (created by Debian's postgresql package).
"""

import contextlib
import hashlib
import os
import secrets
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from plans.errors import ClusterError
from plans.storage.postgres_install import PostgresInstall, find_postgres, require_postgis

SUPERUSER = "mukhattat"
_ROOT_FALLBACK = Path("/var/lib/mukhattat")
_START_TIMEOUT_S = 60


@dataclass(frozen=True)
class Cluster:
    """A cluster's folder, the server installation that runs it and the OS user it runs as."""

    root: Path
    install: PostgresInstall
    run_as: str | None = None

    @property
    def pgdata(self) -> Path:
        """PostgreSQL's data directory."""
        return self.root / "pgdata"

    @property
    def logfile(self) -> Path:
        """The server log, the first place to look when the server will not start."""
        return self.root / "postgres.log"

    @property
    def password_file(self) -> Path:
        """The superuser's generated password (mode 0600)."""
        return self.root / "password"


@dataclass(frozen=True)
class ClusterStatus:
    """Whether a cluster is initialised and running, and on which port."""

    initialised: bool
    running: bool
    port: int | None


def locate_cluster(data_dir: Path, *, bindir: Path | None = None) -> Cluster:
    """Return the cluster that belongs to the data folder `data_dir` (not touching it).

    Raises
    ------
    PostgresMissingError
        PostgreSQL or PostGIS is not installed.
    """
    install = find_postgres(bindir)
    require_postgis(install)
    run_as = "postgres" if os.geteuid() == 0 else None
    root = (data_dir / "postgres").resolve()
    if run_as and not _reachable_by(run_as, root.parent):
        # postgres cannot traverse e.g. /root; keep the cluster where it can, one per data folder.
        digest = hashlib.sha256(str(root).encode()).hexdigest()[:12]
        root = _ROOT_FALLBACK / f"cluster-{digest}"
    return Cluster(root=root, install=install, run_as=run_as)


def initialise(cluster: Cluster) -> bool:
    """Create the cluster with initdb unless it exists; return whether it was created."""
    if (cluster.pgdata / "PG_VERSION").exists():
        return False
    cluster.root.mkdir(parents=True, exist_ok=True)
    cluster.root.chmod(0o700)
    cluster.password_file.write_text(secrets.token_urlsafe(24))
    cluster.password_file.chmod(0o600)
    _give_to_owner(cluster)
    _run(
        cluster,
        cluster.install.tool("initdb"),
        "-D", str(cluster.pgdata),
        "-U", SUPERUSER,
        f"--pwfile={cluster.password_file}",
        "--auth-host=scram-sha-256",
        "--auth-local=peer",
        "-E", "UTF8",
        "--locale=C",
    )  # fmt: skip
    return True


def start(cluster: Cluster, *, durable: bool = True) -> int:
    """Start the cluster on a free 127.0.0.1 port unless it runs already; return the port.

    ``durable=False`` turns off fsync and friends: for throwaway test clusters only.
    """
    current = status(cluster)
    if current.running and current.port is not None:
        return current.port
    if not current.initialised:
        raise ClusterError(f"no cluster in {cluster.pgdata}: initialise it first")
    port = _port_for(cluster)
    options = [f"-p {port}", "-c listen_addresses=127.0.0.1", f"-k {cluster.root}"]
    if not durable:
        options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    _run(
        cluster,
        cluster.install.tool("pg_ctl"),
        "start", "-w", "-t", str(_START_TIMEOUT_S),
        "-D", str(cluster.pgdata),
        "-l", str(cluster.logfile),
        "-o", " ".join(options),
    )  # fmt: skip
    return port


def stop(cluster: Cluster) -> bool:
    """Stop the cluster (fast shutdown) if it runs; return whether it was running."""
    if not status(cluster).running:
        return False
    _run(
        cluster,
        cluster.install.tool("pg_ctl"),
        "stop",
        "-w",
        "-m",
        "fast",
        "-D",
        str(cluster.pgdata),
    )
    return True


def destroy(cluster: Cluster) -> None:
    """Stop the cluster and delete its folder (test clusters)."""
    stop(cluster)
    shutil.rmtree(cluster.root, ignore_errors=True)


def status(cluster: Cluster) -> ClusterStatus:
    """Read the cluster's state from its folder and `pg_ctl status`."""
    initialised = (cluster.pgdata / "PG_VERSION").exists()
    if not initialised:
        return ClusterStatus(initialised=False, running=False, port=None)
    probe = _run(
        cluster, cluster.install.tool("pg_ctl"), "status", "-D", str(cluster.pgdata), check=False
    )
    running = probe.returncode == 0
    return ClusterStatus(
        initialised=True, running=running, port=_pid_file_port(cluster) if running else None
    )


def superuser_url(cluster: Cluster, port: int, database: str) -> str:
    """Return the SQLAlchemy URL of `database` on the running cluster, as its superuser."""
    password = quote(cluster.password_file.read_text().strip(), safe="")
    return f"postgresql+psycopg://{SUPERUSER}:{password}@127.0.0.1:{port}/{database}"


def _pid_file_port(cluster: Cluster) -> int | None:
    # postmaster.pid line 4 is the port the running server listens on.
    with contextlib.suppress(OSError, IndexError, ValueError):
        return int((cluster.pgdata / "postmaster.pid").read_text().splitlines()[3])
    return None


def _port_for(cluster: Cluster) -> int:
    """Return the last port if still free (services reconnect after a restart), else a new one."""
    remembered = cluster.root / "port"
    with contextlib.suppress(OSError, ValueError):
        last = int(remembered.read_text())
        if _port_is_free(last):
            return last
    port = _free_port()
    remembered.write_text(str(port))
    return port


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # PostgreSQL binds with SO_REUSEADDR, so connections in TIME_WAIT do not block it.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _give_to_owner(cluster: Cluster) -> None:
    if cluster.run_as is None:
        return
    shutil.chown(cluster.root, user=cluster.run_as, group=cluster.run_as)
    for path in cluster.root.rglob("*"):
        shutil.chown(path, user=cluster.run_as, group=cluster.run_as)


def _reachable_by(user: str, folder: Path) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(["runuser", "-u", user, "--", "test", "-x", str(folder)], check=False)
    return probe.returncode == 0


def _run(cluster: Cluster, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    command = ["runuser", "-u", cluster.run_as, "--", *args] if cluster.run_as else list(args)
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd="/")
    if check and done.returncode != 0:
        raise ClusterError(_failure_message(cluster, args, done))
    return done


def _failure_message(
    cluster: Cluster, args: tuple[str, ...], done: subprocess.CompletedProcess[str]
) -> str:
    detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
    log_tail: list[str] = []
    with contextlib.suppress(OSError):
        log_tail = cluster.logfile.read_text().strip().splitlines()[-3:]
    lines = " | ".join(detail + log_tail) or f"exit status {done.returncode}"
    action = " ".join(
        part for part in (Path(args[0]).name, args[1] if len(args) > 1 else "") if part
    )
    return f"{action} failed for {cluster.pgdata}: {lines}"
