"""Read ground control points (pixel <-> map pairs) from CSV or QGIS Georeferencer files."""

import csv
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from gis.errors import GcpError
from gis.types import FloatArray

CSV_COLUMNS: tuple[str, str, str, str] = ("pixel_x", "pixel_y", "map_x", "map_y")
"""Default CSV columns: pixel column, pixel row (y down), map x, map y."""

ID_COLUMNS: tuple[str, ...] = ("gcp_id", "id", "name")
"""CSV columns taken, first found, as point ids when no `id_column` is given."""

_POINTS_COLUMNS = ("mapx", "mapy", "pixelx", "pixely", "enable")
_TRUE = frozenset({"1", "true", "yes", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "n", "f"})


@dataclass(frozen=True, eq=False)
class GroundControlPoints:
    """Matched positions of `n` control points on a scan and on the map.

    Attributes
    ----------
    pixel
        (n, 2) read-only array of pixel positions: x to the right and y down from the top-left
        corner of the top-left pixel, so the centre of that pixel is (0.5, 0.5).
    map
        (n, 2) read-only array of map coordinates (x/easting, y/northing) in `crs`.
    ids
        Optional names of the points, e.g. the ``gcp_id`` column of a CSV file.
    crs
        The CRS the file names for the map coordinates (a QGIS ``#CRS:`` line), if any.

    Raises
    ------
    GcpError
        Arrays of the wrong shape, non-finite values, repeated positions or ids.

    Examples
    --------
    >>> gcps = GroundControlPoints(pixel=[[0, 0], [10, 0], [0, 10]], map=[[5, 9], [6, 9], [5, 8]])
    >>> len(gcps), gcps.pixel.dtype.name
    (3, 'float64')
    """

    pixel: FloatArray
    map: FloatArray
    ids: tuple[str, ...] | None = None
    crs: str | None = None

    def __post_init__(self) -> None:
        pixel = _as_points(self.pixel, "pixel")
        map_ = _as_points(self.map, "map")
        if len(pixel) != len(map_):
            raise GcpError(f"{len(pixel)} pixel positions but {len(map_)} map positions")
        if self.ids is not None and len(self.ids) != len(pixel):
            raise GcpError(f"{len(self.ids)} ids for {len(pixel)} points")
        duplicate = _duplicate_message(pixel, map_, self.ids, lambda i: f"point {i}")
        if duplicate:
            raise GcpError(duplicate)
        if self.ids is not None:
            object.__setattr__(self, "ids", tuple(str(i) for i in self.ids))
        object.__setattr__(self, "pixel", pixel)
        object.__setattr__(self, "map", map_)

    def __len__(self) -> int:
        return len(self.pixel)


class _Row(NamedTuple):
    line: int
    fields: dict[str, str]


class _Table(NamedTuple):
    comments: list[str]
    header: list[str]
    rows: list[_Row]


def read_gcps(
    path: Path, *, columns: Sequence[str] = CSV_COLUMNS, id_column: str | None = None
) -> GroundControlPoints:
    r"""Read GCPs from a QGIS ``.points`` file or, for any other suffix, a CSV file.

    Parameters
    ----------
    path
        The file; ``*.points`` is read by `read_qgis_points`, anything else by `read_gcps_csv`.
    columns, id_column
        Passed to `read_gcps_csv` (ignored for ``.points`` files).

    Returns
    -------
    GroundControlPoints

    Raises
    ------
    GcpError
        As `read_gcps_csv` and `read_qgis_points`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "sheet.points"
    >>> _ = path.write_text("mapX,mapY,pixelX,pixelY,enable\n10,20,0.5,-0.5,1\n")
    >>> read_gcps(path).pixel.tolist()
    [[0.5, 0.5]]
    """
    if path.suffix.lower() == ".points":
        return read_qgis_points(path)
    return read_gcps_csv(path, columns=columns, id_column=id_column)


def read_gcps_csv(
    path: Path, *, columns: Sequence[str] = CSV_COLUMNS, id_column: str | None = None
) -> GroundControlPoints:
    r"""Read GCPs from a CSV file with a header row.

    Parameters
    ----------
    path
        CSV file. Columns are matched by name (case and surrounding blanks ignored); other
        columns are allowed. Blank lines are skipped. A column ``enable`` with 0/false/no
        disables a row.
    columns
        Names of the pixel x, pixel y (rows, positive downwards), map x and map y columns.
    id_column
        Column of point ids; by default the first of `ID_COLUMNS` present, if any.

    Returns
    -------
    GroundControlPoints
        The enabled points, in file order.

    Raises
    ------
    GcpError
        Naming the file (and line) for a missing or unreadable file, missing columns, ragged
        rows, non-numeric or non-finite values, no enabled row, repeated positions or ids.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gcps.csv"
    >>> _ = path.write_text("id,pixel_x,pixel_y,map_x,map_y\na,0,0,500,900\nb,100,0,600,900\n")
    >>> gcps = read_gcps_csv(path)
    >>> gcps.ids, gcps.map[1].tolist()
    (('a', 'b'), [600.0, 900.0])
    """
    if len(columns) != 4:
        raise ValueError(f"columns must name pixel x, pixel y, map x, map y; got {columns!r}")
    wanted = [name.strip().lower() for name in columns]
    table = _read_table(path, wanted)
    id_key = _id_column(path, table.header, id_column)
    rows = [row for row in table.rows if _enabled(path, row)]

    def pair(row: _Row, x: str, y: str) -> tuple[float, float]:
        return _number(path, row, x), _number(path, row, y)

    pixel = [pair(row, wanted[0], wanted[1]) for row in rows]
    map_ = [pair(row, wanted[2], wanted[3]) for row in rows]
    ids = tuple(row.fields[id_key].strip() for row in rows) if id_key else None
    return _build(path, rows, pixel, map_, ids, crs=None)


def read_qgis_points(path: Path) -> GroundControlPoints:
    r"""Read GCPs from a QGIS Georeferencer ``.points`` file.

    The header is ``mapX,mapY,pixelX,pixelY,enable,dX,dY,residual``, optionally preceded by a
    ``#CRS: ...`` line. QGIS counts ``pixelY`` upwards, so rows of the image are negative; they
    are turned into the y-down pixel convention of `GroundControlPoints`. Rows with
    ``enable=0`` are skipped.

    Parameters
    ----------
    path
        The ``.points`` file.

    Returns
    -------
    GroundControlPoints
        The enabled points; ids are their 1-based positions in the file (disabled rows
        counted), and `crs` is the text of the ``#CRS:`` line, if any.

    Raises
    ------
    GcpError
        As `read_gcps_csv`, and for a positive ``pixelY`` (a point above the image, or a file
        that does not follow the QGIS convention).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "scan.jpg.points"
    >>> _ = path.write_text(
    ...     "#CRS: EPSG:3857\n"
    ...     "mapX,mapY,pixelX,pixelY,enable,dX,dY,residual\n"
    ...     "-8100619.1,5122009.9,932.4,-2472.9,1,0,0,0\n"
    ...     "-8099939.8,5121774.3,1089.3,-2523.0,0,0,0,0\n"
    ... )
    >>> gcps = read_qgis_points(path)
    >>> gcps.pixel.tolist(), gcps.crs
    ([[932.4, 2472.9]], 'EPSG:3857')
    """
    table = _read_table(path, list(_POINTS_COLUMNS[:4]))
    numbered = [(str(k), row) for k, row in enumerate(table.rows, start=1)]
    kept = [(name, row) for name, row in numbered if _enabled(path, row)]
    rows = [row for _, row in kept]
    pixel = [(_number(path, row, "pixelx"), -_number(path, row, "pixely")) for row in rows]
    for row, (_, y) in zip(rows, pixel, strict=True):
        if y < 0:
            raise GcpError(
                f"{path}:{row.line}: pixelY is {row.fields['pixely']!r}, but QGIS stores image "
                "rows as negative numbers; convert the file to CSV with y-down rows"
            )
    map_ = [(_number(path, row, "mapx"), _number(path, row, "mapy")) for row in rows]
    crs = next((c[4:].strip() for c in table.comments if c.upper().startswith("CRS:")), None)
    return _build(path, rows, pixel, map_, tuple(name for name, _ in kept), crs=crs or None)


def _as_points(values: npt.ArrayLike, name: str) -> FloatArray:
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise GcpError(f"{name} positions are not numbers ({exc})") from exc
    if array.ndim != 2 or array.shape[1] != 2:
        raise GcpError(f"{name} positions must be an (n, 2) array, got shape {array.shape}")
    bad = np.flatnonzero(~np.isfinite(array).all(axis=1))
    if bad.size:
        raise GcpError(f"{name} position of point {bad[0]} is {array[bad[0]].tolist()}: not finite")
    array.setflags(write=False)
    return array


def _duplicate_message(
    pixel: FloatArray,
    map_: FloatArray,
    ids: Sequence[str] | None,
    label: Callable[[int], str],
) -> str | None:
    checks: list[tuple[str, Sequence[Hashable]]] = [
        ("pixel position", [tuple(p) for p in pixel.tolist()]),
        ("map position", [tuple(p) for p in map_.tolist()]),
    ]
    if ids is not None:
        checks.append(("id", list(ids)))
    for what, keys in checks:
        seen: dict[Hashable, int] = {}
        for index, key in enumerate(keys):
            if key in seen:
                first = seen[key]
                return (
                    f"{label(index)} repeats the {what} {key!r} of {label(first)}; "
                    "remove or correct one of them"
                )
            seen[key] = index
    return None


def _build(
    path: Path,
    rows: Sequence[_Row],
    pixel: Sequence[tuple[float, float]],
    map_: Sequence[tuple[float, float]],
    ids: tuple[str, ...] | None,
    *,
    crs: str | None,
) -> GroundControlPoints:
    if not rows:
        raise GcpError(f"{path}: no enabled control points")
    pixel_array = np.array(pixel, dtype=np.float64).reshape(-1, 2)
    map_array = np.array(map_, dtype=np.float64).reshape(-1, 2)
    duplicate = _duplicate_message(pixel_array, map_array, ids, lambda i: f"line {rows[i].line}")
    if duplicate:
        raise GcpError(f"{path}: {duplicate}")
    return GroundControlPoints(pixel=pixel_array, map=map_array, ids=ids, crs=crs)


def _read_table(path: Path, required: Sequence[str]) -> _Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise GcpError(f"GCP file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise GcpError(f"{path}: cannot read the GCP file ({exc})") from exc
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    comments = []
    while lines and lines[0][1].lstrip().startswith("#"):
        comments.append(lines.pop(0)[1].lstrip()[1:].strip())
    if not lines:
        raise GcpError(f"{path}: empty file, expected a header with {', '.join(required)}")
    header_line, header_text = lines[0]
    header = [name.strip().lower() for name in next(csv.reader([header_text]))]
    missing = [name for name in required if name not in header]
    if missing:
        raise GcpError(
            f"{path}:{header_line}: missing column(s) {', '.join(missing)}; the header has "
            f"{', '.join(header)}"
        )
    rows = []
    for number, line in lines[1:]:
        values = next(csv.reader([line]))
        if len(values) != len(header):
            raise GcpError(
                f"{path}:{number}: {len(values)} fields, but the header has {len(header)}"
            )
        rows.append(_Row(number, dict(zip(header, values, strict=True))))
    return _Table(comments, header, rows)


def _id_column(path: Path, header: Sequence[str], id_column: str | None) -> str | None:
    if id_column is None:
        return next((name for name in ID_COLUMNS if name in header), None)
    key = id_column.strip().lower()
    if key not in header:
        raise GcpError(f"{path}: no id column {id_column!r}; the header has {', '.join(header)}")
    return key


def _number(path: Path, row: _Row, column: str) -> float:
    text = row.fields[column].strip()
    try:
        value = float(text)
    except ValueError:
        raise GcpError(f"{path}:{row.line}: {column} is {text!r}, not a number") from None
    if not np.isfinite(value):
        raise GcpError(f"{path}:{row.line}: {column} is {text!r}; it must be a finite number")
    return value


def _enabled(path: Path, row: _Row) -> bool:
    text = row.fields.get("enable", "1").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise GcpError(f"{path}:{row.line}: enable is {text!r}; use 1 or 0")
