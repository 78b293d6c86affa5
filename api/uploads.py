"""Save an uploaded vector file to a private temporary folder, refusing unknown types."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import UploadFile

VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".zip", ".dxf")


class UnsupportedUploadError(ValueError):
    """The uploaded file's type is not one this endpoint reads."""


@contextmanager
def saved_upload(
    upload: UploadFile, *, allowed: tuple[str, ...] = VECTOR_SUFFIXES
) -> Iterator[Path]:
    """Yield the upload as a file with its suffix (GDAL picks the driver by it); delete it after."""
    name = Path(upload.filename or "upload").name
    suffix = Path(name).suffix.lower()
    if suffix not in allowed:
        raise UnsupportedUploadError(
            f"{name!r}: unsupported file type {suffix or '(none)'}; "
            f"send one of {', '.join(allowed)}"
        )
    folder = Path(tempfile.mkdtemp(prefix="mukhattat-upload-"))
    path = folder / f"upload{suffix}"
    try:
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out, length=1 << 20)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
