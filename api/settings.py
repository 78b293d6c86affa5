"""The one configuration of a deployment, read from `MUKHATTAT_*` environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pyproj import CRS

from gis.crs import parse_crs, require_metric_projected
from gis.errors import CRSError

_DRIVER_ALIASES = ("postgres://", "postgresql://", "postgresql+psycopg2://")


class Settings(BaseSettings):
    """Deployment settings; every field is `MUKHATTAT_<NAME>` in the environment."""

    model_config = SettingsConfigDict(env_prefix="MUKHATTAT_", extra="ignore")

    data_dir: Path = Path(".mukhattat")
    """Folder of the local PostgreSQL cluster, samples and caches."""
    database_url: SecretStr | None = None
    """An existing PostGIS server (`postgresql://user:pass@host/db`); unset = the local cluster."""
    crs: str = "EPSG:32637"
    """Storage CRS: projected, in metres; every geometry is stored in it."""
    municipality: str = "JED-DEMO"
    """Municipality code that commands act on when none is given."""
    pg_bindir: Path | None = None
    """PostgreSQL server binaries for the local cluster (found automatically when unset)."""
    web_dir: Path = Path(__file__).resolve().parents[1] / "web"
    """Viewer assets: index.html and friends, with the npm packages in node_modules/."""
    max_upload_mb: int = 100
    """Largest upload (vector files, scans, PDFs to verify)."""
    max_body_kb: int = 1024
    """Largest request body elsewhere (JSON, GeoJSON, YAML)."""
    max_scan_pixels: int = 250_000_000
    """Largest scan, in pixels, checked from its header before decoding (A0 at 400 dpi ≈ 220 M)."""
    async_pool_size: int = 10
    """Connections each API process keeps open per asyncio engine (event-loop routes). Requests
    beyond it open and close a connection of their own each, a PostgreSQL backend start
    (~5 ms) every time; 8 concurrent permit checks on a pool of 5 did (bench/checks.py)."""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1

    @field_validator("database_url", mode="before")
    @classmethod
    def _normalise_dsn(cls, value: object) -> object:
        """Accept the common `postgres://` spellings and use the psycopg 3 driver."""
        if isinstance(value, str):
            if not value.strip():
                return None
            for alias in _DRIVER_ALIASES:
                if value.startswith(alias):
                    return "postgresql+psycopg://" + value[len(alias) :]
        return value

    @field_validator("crs")
    @classmethod
    def _check_crs(cls, value: str) -> str:
        """Refuse a storage CRS that is unknown, geographic or not in metres."""
        try:
            crs = require_metric_projected(parse_crs(value))
        except CRSError as exc:
            raise ValueError(str(exc)) from exc
        if crs.to_epsg() is None:
            raise ValueError(f"{value}: the storage CRS must have an EPSG code")
        return f"EPSG:{crs.to_epsg()}"

    @property
    def storage_crs(self) -> CRS:
        """The storage CRS as a pyproj CRS (made once: ~0.1 ms, asked at every permit check)."""
        return _crs(self.crs)

    @property
    def storage_srid(self) -> int:
        """The storage CRS's EPSG code, the SRID of every geometry column."""
        return int(self.crs.split(":")[1])

    @property
    def server_url(self) -> str | None:
        """The configured server's URL in clear (never log it)."""
        return self.database_url.get_secret_value() if self.database_url else None


@lru_cache
def get_settings() -> Settings:
    """Return the settings of this process, read once from the environment."""
    return Settings()


@lru_cache(maxsize=8)
def _crs(name: str) -> CRS:
    return CRS.from_user_input(name)
