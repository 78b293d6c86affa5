"""Batch extracts for clerks: many parcels, each extract registered, one ZIP with a manifest."""

import dataclasses
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from pyproj import CRS
from sqlalchemy.orm import Session

from plans.errors import LimitExceededError
from plans.extracts.errors import ExtractInputError
from plans.extracts.records import ExtractRequest
from plans.extracts.service import issue_extract

MAX_BATCH = 200
"""Most parcels in one batch (about a minute of rendering on one core)."""


@dataclass(frozen=True)
class BatchEntry:
    """One extract of a batch, as the manifest lists it."""

    reference: str
    parcel: str
    sha256: str
    file: str


@dataclass(frozen=True)
class IssuedBatch:
    """The ZIP (extracts + `manifest.json`) and its entries."""

    content: bytes
    entries: tuple[BatchEntry, ...]


def issue_batch(
    session: Session,
    template: ExtractRequest,
    parcels: Sequence[str],
    *,
    storage_crs: CRS,
    verify_base_url: str,
) -> IssuedBatch:
    """Issue and register one extract per parcel with `template`'s options (flushes only).

    All or nothing: an unknown parcel stops the batch and, with the caller's transaction, no
    extract of it stays registered.
    """
    _check_parcels(parcels)
    entries, files = [], []
    for parcel in parcels:
        request = dataclasses.replace(template, parcel=parcel, bbox=None, check_reference=None)
        issued = issue_extract(
            session, request, storage_crs=storage_crs, verify_base_url=verify_base_url
        )
        name = f"{issued.reference}.{template.options.format}"
        entries.append(BatchEntry(issued.reference, parcel, issued.sha256, name))
        files.append((name, issued.content))
    return IssuedBatch(_zip(files, entries), tuple(entries))


def _check_parcels(parcels: Sequence[str]) -> None:
    if not parcels:
        raise ExtractInputError("a batch needs at least one parcel number")
    if len(parcels) > MAX_BATCH:
        raise LimitExceededError(
            f"a batch holds at most {MAX_BATCH} parcels, got {len(parcels)}; split it"
        )
    repeated = sorted({p for p in parcels if parcels.count(p) > 1})
    if repeated:
        raise ExtractInputError(f"parcels listed twice in the batch: {', '.join(repeated)}")


def _zip(files: list[tuple[str, bytes]], entries: list[BatchEntry]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in files:
            archive.writestr(name, content)
        manifest = [dataclasses.asdict(entry) for entry in entries]
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    return buffer.getvalue()
