"""Give the faces of an outline sheet their zone codes by reading the labels printed in them."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage
from shapely.geometry import Polygon

from gis.errors import DigitiseError
from gis.legend import Legend
from gis.ocr import LabelReader, LabelReading
from gis.outline import (
    Faces,
    Ink,
    face_borders,
    fill_lines,
    find_ink,
    label_faces,
    outside_faces,
    read_grey,
)
from gis.raster import Scan
from gis.types import FloatArray, LabelArray, RGBImage

CONFLICT_RATIO: Final = 0.5
"""A face whose runner-up label has at least this share of the winner's votes is flagged."""

MIN_READING: Final = 0.35
"""Least reading score (`gis.ocr.LabelReading.score`) that counts as a vote."""

_MAX_TILT_DEG: Final = 15.0
_WIDE: Final = 1.2  # a word this many times wider than tall has a baseline to level


@dataclass(frozen=True, eq=False)
class OutlineClassification:
    """Classified pixels of an outline sheet (the counterpart of `gis.classify.Classification`).

    Attributes
    ----------
    labels
        (height, width) class values: 0 off the map, ``i + 1`` for ``codes[i]``.
    confidence
        (height, width) uint8 confidence 0..255 of each pixel's face (from its readings).
    codes
        Zone code of each class value (the legend's codes).
    shares
        Fractions of the pixels that were ``lines``, ``text``, ``outside`` and
        ``unlabelled`` (in large faces with no readable label).
    ocr
        JSON-ready: ``thresholds`` learned, ``faces`` (count), ``words`` read,
        ``edge_faces_off_map`` (unlabelled faces at the scan's edge left off the map when
        no frame was given), ``readings``
        (per face: labels read and their votes), ``unlabelled`` (faces flagged for review:
        pixel centre, area, the neighbour's code they were given), ``conflicts``,
        ``merged`` (small unlabelled faces joined to a neighbour), ``ms_per_label`` (per
        word read, crop preparation and every tesseract call included),
        ``ms_per_tesseract_call`` and ``tesseract_calls`` per language.
    unlabelled_points, conflict_points
        (n, 2) pixel x, y of a point inside each face flagged as unlabelled, or as read
        with conflicting labels.
    """

    labels: LabelArray
    confidence: npt.NDArray[np.uint8]
    codes: tuple[str, ...]
    shares: Mapping[str, float]
    ocr: Mapping[str, Any]
    unlabelled_points: FloatArray
    conflict_points: FloatArray


@dataclass(frozen=True)
class _Word:
    face: int
    reading: LabelReading
    centre: tuple[float, float]


def classify_outline(
    scan: Scan | RGBImage,
    legend: Legend,
    *,
    min_region_px: int = 64,
    gap_px: int = 3,
    rows: int = 1024,
    frame: Polygon | None = None,
    tessdata: str | Path | None = None,
) -> OutlineClassification:
    """Classify an outline-only sheet: faces of its boundary lines, coded by their labels.

    1. Lightness, dark marks, lines apart from text and parcel lines (`gis.outline.find_ink`).
    2. Faces of the line network, breaks up to ``2 * gap_px`` closed; line pixels go to
       the nearest face; with a map `frame` (pixel polygon), faces touching the scan's
       edge or mostly off the frame are outside (`gis.outline`); without one, faces
       touching the scan's edge with no label read are (the margin of the paper).
    3. Text is grouped into words; each word is read by tesseract constrained to the
       legend's labels (`gis.ocr.LabelReader`) and votes for the face it lies in.
    4. A face takes the label with most votes (a vote weighs its reading's score); its
       confidence is the winner's share of the votes times its votes (at most 1), so one
       good reading gives about 0.9 and agreeing readings more. A face with no vote and under
       `min_region_px` joins the neighbour it shares the longest border with; a larger one
       takes its labelled neighbour's code with confidence 0 and is flagged: never guessed
       silently.

    Raises
    ------
    gis.errors.DigitiseError
        No line network (no face) or no label read anywhere on the sheet.
    gis.errors.OcrError
        Tesseract's models are missing.

    Notes
    -----
    Holds the lightness (1 byte per pixel), two masks and an int32 face raster (4 bytes
    per pixel), plus a transient int32 component raster: about 8 bytes per pixel. OCR
    takes a few milliseconds per word (`gis.ocr.LabelReader`).

    Examples
    --------
    >>> import shapely
    >>> from gis.synthetic import make_sheet
    >>> sheet = make_sheet("outline", height=240, width=320, cells=4, codes=2)
    >>> frame = shapely.Polygon(sheet.gcps.pixel[[0, 2, 8, 6]])
    >>> result = classify_outline(sheet.image, sheet.legend, frame=frame)
    >>> result.codes, [sorted(v) for v in result.ocr["readings"].values()]
    (('RES_A', 'RES_B'), [['R1'], ['R2']])
    >>> result.ocr["unlabelled"], result.ocr["conflicts"]
    ([], [])
    """
    labels_of = {entry.label: value for value, entry in enumerate(legend.entries, start=1)}
    grey = read_grey(scan, rows=rows)
    ink = find_ink(grey)
    faces, count = label_faces(ink.lines, gap_px=gap_px)
    if count == 0:
        raise DigitiseError("no area enclosed by lines was found: is this an outline sheet?")
    with LabelReader(tuple(labels_of), tessdata=tessdata) as reader:
        words = _read_words(grey, ink, faces, reader)
        timing = {
            "ms_per_label": round(reader.stats.ms_per_read, 2),
            "ms_per_tesseract_call": round(reader.stats.ms_per_crop, 2),
            "tesseract_calls": dict(reader.stats.passes),
        }
    shares = {"lines": float(ink.lines.mean()), "text": float(ink.text.mean())}
    thresholds = ink.thresholds
    del grey, ink
    fill_lines(faces, rows=rows)
    outside = outside_faces(faces, count, frame)
    areas = np.bincount(faces.ravel(), minlength=count + 1)
    votes = _votes(words, outside)
    dropped = [] if frame is not None else _unlabelled_edge(faces, votes, outside)
    outside[dropped] = True
    if not votes:
        raise DigitiseError(
            f"no printed label was read: expected labels {', '.join(labels_of)} inside the "
            "zones; check the legend's labels (\"label\") and the scan's resolution"
        )
    resolved = resolve_faces(votes, areas, face_borders(faces, count), outside, min_region_px)
    value = np.zeros(count + 1, np.uint8)
    confidence = np.zeros(count + 1, np.uint8)
    for face, (label, score) in resolved.codes.items():
        value[face], confidence[face] = labels_of[label], round(255 * score)
    points = _points(faces, resolved.unlabelled)
    conflicted = _points(faces, [c["face"] for c in resolved.conflicts])
    for conflict, xy in zip(resolved.conflicts, conflicted, strict=True):
        conflict["centre_px"] = [round(float(v), 1) for v in xy]
    shares["outside"] = float(areas[outside].sum() / faces.size)
    shares["unlabelled"] = float(areas[resolved.unlabelled].sum() / faces.size)
    ocr = {
        "thresholds": thresholds,
        "faces": int((~outside).sum()),
        "words": len(words),
        "labels_read": sum(w.reading.label is not None for w in words),
        "edge_faces_off_map": len(dropped),
        **_face_report(legend, votes, resolved, areas, points),
        **timing,
    }
    return OutlineClassification(
        value[faces], confidence[faces], legend.codes, shares, ocr, points, conflicted
    )


def _unlabelled_edge(
    faces: Faces, votes: Mapping[int, Mapping[str, float]], outside: npt.NDArray[np.bool_]
) -> list[int]:
    """Faces touching the scan's edge with no label read: margins, when no frame was found."""
    edge = np.unique(np.concatenate([faces[0], faces[-1], faces[:, 0], faces[:, -1]]))
    return [int(f) for f in edge if not outside[f] and f not in votes]


def _face_report(
    legend: Legend,
    votes: Mapping[int, Mapping[str, float]],
    resolved: "ResolvedFaces",
    areas: npt.NDArray[np.intp],
    points: FloatArray,
) -> dict[str, Any]:
    """Labels read per face, flagged and merged faces, JSON-ready."""
    codes = {entry.label: entry.code for entry in legend.entries}
    unlabelled = [
        {
            "face": face,
            "area_px": int(areas[face]),
            "centre_px": [round(float(v), 1) for v in xy],
            "code_given": codes[resolved.codes[face][0]],
        }
        for face, xy in zip(resolved.unlabelled, points, strict=True)
    ]
    return {
        "readings": {str(face): dict(tally) for face, tally in sorted(votes.items())},
        "unlabelled": unlabelled,
        "conflicts": resolved.conflicts,
        "merged": resolved.merged,
    }


def _read_words(
    grey: npt.NDArray[np.uint8],
    ink: Ink,
    faces: Faces,
    reader: LabelReader,
    *,
    join_px: int | None = None,
) -> list[_Word]:
    """Group text pixels into words, read each, and note the face it lies in.

    Letters closer than `join_px` (default 40 % of the 75th percentile of the letters'
    heights, at least 2) form one word. Words are read from the lightness within `join_px`
    of their letters, with boundary lines whitened, levelled when clearly tilted.
    """
    text, lines = ink.text, ink.lines
    marks, _ = ndimage.label(text, structure=np.ones((3, 3), bool))
    boxes = ndimage.find_objects(marks)
    heights = np.array([r.stop - r.start for r, _ in boxes] or [0])
    if join_px is None:
        letters = heights[heights >= 4]
        join_px = max(2, round(np.percentile(letters, 75) / 2.5)) if len(letters) else 2
    del marks
    grown = ndimage.maximum_filter(text.view(np.uint8), size=2 * join_px + 1)
    words, _ = ndimage.label(grown, structure=np.ones((3, 3), bool))
    del grown
    found: list[_Word] = []
    for index, box in enumerate(ndimage.find_objects(words), start=1):
        if box is None or box[0].stop - box[0].start < 6:
            continue
        own = (words[box] == index) & text[box]
        if own.sum() < 12:
            continue
        keep = (words[box] == index) & ~lines[box]
        crop = np.where(keep, grey[box], 255).astype(np.uint8)
        reading = reader.read(crop, angle_deg=_tilt(own))
        face_ids = faces[box][own]
        face_ids = face_ids[face_ids > 0]
        if len(face_ids):
            rows, cols = np.nonzero(own)
            centre = (float(cols.mean()) + box[1].start, float(rows.mean()) + box[0].start)
            found.append(_Word(int(np.bincount(face_ids).argmax()), reading, centre))
    return found


def _tilt(own: npt.NDArray[np.bool_]) -> float:
    """Return the angle of a word's baseline (degrees, image axes, y down), 0 for one letter.

    The angle, within `_MAX_TILT_DEG`, across which the word's ink is thinnest.
    """
    rows, cols = np.nonzero(own)
    if len(rows) < 3 or np.ptp(cols) < _WIDE * np.ptp(rows):
        return 0.0
    angles = np.radians(np.arange(-_MAX_TILT_DEG, _MAX_TILT_DEG + 0.1, 1.0))
    across = np.outer(-np.sin(angles), cols) + np.outer(np.cos(angles), rows)
    spread = np.percentile(across, 95, axis=1) - np.percentile(across, 5, axis=1)
    return float(np.degrees(angles[np.argmin(spread)]))


def _votes(words: Sequence[_Word], outside: npt.NDArray[np.bool_]) -> dict[int, dict[str, float]]:
    votes: dict[int, dict[str, float]] = {}
    for word in words:
        label = word.reading.label
        if label is None or outside[word.face] or word.reading.score < MIN_READING:
            continue
        face = votes.setdefault(word.face, {})
        face[label] = round(face.get(label, 0.0) + word.reading.score, 4)
    return votes


@dataclass(frozen=True)
class ResolvedFaces:
    """Label and confidence of every face on the map, and the faces that need a look."""

    codes: dict[int, tuple[str, float]]
    unlabelled: list[int]
    conflicts: list[dict[str, Any]]
    merged: int


def resolve_faces(
    votes: Mapping[int, Mapping[str, float]],
    areas: npt.NDArray[np.intp],
    borders: Mapping[tuple[int, int], int],
    outside: npt.NDArray[np.bool_],
    min_region_px: int,
) -> ResolvedFaces:
    """Choose each face's label from its votes; settle faces with none from their neighbours.

    Examples
    --------
    >>> areas = np.array([0, 500, 500, 10, 400])
    >>> borders = {(1, 3): 4, (2, 3): 2, (1, 4): 9, (2, 4): 20}
    >>> outside = np.zeros(5, bool); outside[0] = True
    >>> r = resolve_faces({1: {"R1": 1.8}, 2: {"C": 0.9, "R1": 0.1}}, areas, borders, outside, 50)
    >>> r.codes[3], r.codes[4], r.unlabelled, r.merged
    (('R1', 1.0), ('C', 0.0), [4], 1)
    """
    codes: dict[int, tuple[str, float]] = {}
    conflicts: list[dict[str, Any]] = []
    for face, tally in votes.items():
        ranked = sorted(tally.items(), key=lambda item: -item[1])
        share = ranked[0][1] / sum(tally.values())
        codes[face] = (ranked[0][0], round(share * min(1.0, ranked[0][1]), 4))
        if len(ranked) > 1 and ranked[1][1] >= CONFLICT_RATIO * ranked[0][1]:
            conflicts.append({"face": face, "votes": dict(ranked)})
    neighbours: dict[int, list[tuple[int, int]]] = {}
    for (a, b), length in borders.items():
        neighbours.setdefault(a, []).append((length, b))
        neighbours.setdefault(b, []).append((length, a))
    pending = [f for f in np.flatnonzero(~outside).tolist() if f not in codes]
    small = {f for f in pending if areas[f] < min_region_px}
    unlabelled = sorted(set(pending) - small)
    merged = 0
    while pending:
        settled = []
        for face in pending:
            known = [(n, other) for n, other in neighbours.get(face, []) if other in codes]
            if known:
                other = max(known)[1]
                code, score = codes[other]
                codes[face] = (code, score if face in small else 0.0)
                settled.append(face)
        if not settled:
            break
        merged += sum(face in small for face in settled)
        pending = [f for f in pending if f not in settled]
    return ResolvedFaces(codes, [f for f in unlabelled if f in codes], conflicts, merged)


def _points(faces: Faces, flagged: Sequence[int]) -> FloatArray:
    """Return the pixel centre deepest inside each flagged face, x and y."""
    boxes = ndimage.find_objects(faces)
    xy = np.zeros((len(flagged), 2))
    for i, face in enumerate(flagged):
        box = boxes[face - 1]
        assert box is not None  # a flagged face has pixels
        depth = ndimage.distance_transform_edt(np.pad(faces[box] == face, 1))[1:-1, 1:-1]
        row, col = np.unravel_index(np.argmax(depth), depth.shape)
        xy[i] = (col + box[1].start + 0.5, row + box[0].start + 0.5)
    return xy
