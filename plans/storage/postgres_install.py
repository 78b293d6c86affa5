"""Find the machine's PostgreSQL server binaries and check that PostGIS is installed for them."""

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from plans.errors import PostgresMissingError

_DEBIAN_ROOT = Path("/usr/lib/postgresql")


@dataclass(frozen=True)
class PostgresInstall:
    """A PostgreSQL server installation: where its binaries are and its major version."""

    bindir: Path
    major: int

    def tool(self, name: str) -> str:
        """Return the path of one of the server's programs (initdb, pg_ctl, postgres...)."""
        return str(self.bindir / name)

    @property
    def sharedir(self) -> Path:
        """Folder holding the installation's extensions (`extension/*.control`)."""
        out = subprocess.run(
            [self.tool("pg_config"), "--sharedir"], capture_output=True, text=True, check=False
        )
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
        return Path(f"/usr/share/postgresql/{self.major}")


def find_postgres(bindir: Path | None = None) -> PostgresInstall:
    """Locate PostgreSQL's server binaries: `bindir`, else `initdb` on PATH, else Debian's folder.

    Raises
    ------
    PostgresMissingError
        No `initdb`/`pg_ctl` was found; the message names the package to install.
    """
    for candidate in _candidates(bindir):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return PostgresInstall(bindir=candidate, major=_major_version(candidate))
    where = f" in {bindir}" if bindir else ""
    raise PostgresMissingError(
        f"PostgreSQL server binaries (initdb, pg_ctl) not found{where}: "
        "run `sudo apt-get install postgresql postgresql-15-postgis-3` "
        "(or set MUKHATTAT_PG_BINDIR, or MUKHATTAT_DATABASE_URL to use an existing server)"
    )


def require_postgis(install: PostgresInstall) -> None:
    """Raise `PostgresMissingError` unless PostGIS is installed for `install`'s version."""
    control = install.sharedir / "extension" / "postgis.control"
    if not control.exists():
        raise PostgresMissingError(
            f"PostGIS is not installed for PostgreSQL {install.major} ({control} is missing): "
            f"run `sudo apt-get install postgresql-{install.major}-postgis-3`"
        )


def _candidates(bindir: Path | None) -> list[Path]:
    if bindir is not None:
        return [bindir]
    found: list[Path] = []
    initdb = shutil.which("initdb")
    if initdb:
        found.append(Path(initdb).resolve().parent)
    if _DEBIAN_ROOT.is_dir():
        versions = sorted(
            (p for p in _DEBIAN_ROOT.iterdir() if p.name.isdigit()),
            key=lambda p: int(p.name),
            reverse=True,
        )
        found.extend(p / "bin" for p in versions)
    return found


def _major_version(bindir: Path) -> int:
    out = subprocess.run(
        [str(bindir / "pg_ctl"), "--version"], capture_output=True, text=True, check=False
    )
    match = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    if out.returncode != 0 or match is None:
        raise PostgresMissingError(f"{bindir / 'pg_ctl'} did not report its version")
    return int(match.group(1))
