"""Read printed zone labels from small crops of a scan, constrained to a legend's label set."""

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import tesserocr
from PIL import Image

from gis.errors import OcrError

TESSDATA_DIRS: Final = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
"""Folders searched for tesseract's ``eng``/``ara`` models when no folder is given."""

MIN_SIMILARITY: Final = 0.6
"""Least similarity (1 - edit distance / longer length) for a reading to count as a label."""

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_TEXT_HEIGHT = 40  # tesseract reads best with capitals about this many pixels tall
_PAD = 12  # white border around a crop, pixels after scaling


@dataclass(frozen=True)
class LabelReading:
    """What one crop was read as.

    Attributes
    ----------
    text
        The raw text tesseract returned (stripped), possibly empty.
    label
        The legend label it matches, or None when no label is similar enough.
    similarity
        1 - edit distance / longer length between `text` and `label` (0 when no label).
    confidence
        Tesseract's mean word confidence, 0..1.
    """

    text: str
    label: str | None
    similarity: float
    confidence: float

    @property
    def score(self) -> float:
        """Match quality 0..1: similarity times (1 + tesseract's confidence) / 2.

        Tesseract's confidence in a lone letter is often low even when it is right; a
        reading constrained to the legend's labels is evidence by itself.
        """
        return self.similarity * (1 + self.confidence) / 2


@dataclass
class OcrStats:
    """Crops read and time spent, for the report.

    Attributes
    ----------
    reads, read_seconds
        Crops read with `LabelReader.read` and the time it took (preparing the crop and
        every tesseract call on it).
    crops, seconds
        Tesseract calls (a crop may take several: languages, layouts) and their time.
    passes
        Tesseract calls per language.
    """

    reads: int = 0
    read_seconds: float = 0.0
    crops: int = 0
    seconds: float = 0.0
    passes: dict[str, int] = field(default_factory=dict)

    @property
    def ms_per_read(self) -> float:
        """Mean milliseconds per crop read, everything included."""
        return 1000 * self.read_seconds / self.reads if self.reads else 0.0

    @property
    def ms_per_crop(self) -> float:
        """Mean milliseconds per tesseract call."""
        return 1000 * self.seconds / self.crops if self.crops else 0.0


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings.

    Examples
    --------
    >>> edit_distance("R1", "R7"), edit_distance("COM", "C0M"), edit_distance("", "ab")
    (1, 1, 2)
    """
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def match_label(
    text: str, labels: Sequence[str], *, min_similarity: float = MIN_SIMILARITY
) -> tuple[str | None, float]:
    """Snap a reading to the most similar label, or None when none is similar enough.

    Similarity is 1 - edit distance / longer length, after removing spaces and folding case,
    of the reading or of the reading with doubled letters collapsed ("Cc" for "C"), whichever
    is closer; between labels equally close, the one closer to the reading as read wins
    ("AA" is "AA", not "A", when both are labels); remaining ties are refused (an ambiguous
    reading is no reading).

    Examples
    --------
    >>> match_label("R1", ["R1", "R2", "C"])
    ('R1', 1.0)
    >>> match_label("RE5_B", ["RES_A", "RES_B"])
    ('RES_B', 0.8)
    >>> match_label("AA", ["A", "AA", "AAA"]), match_label("Cc", ["A", "C"])
    (('AA', 1.0), ('C', 1.0))
    >>> match_label("417", ["R1", "R2", "C"])
    (None, 0.0)
    """
    raw = _normalise(text)
    forms = {raw, _collapse(raw)} - {""}
    if not forms:
        return None, 0.0
    scored = sorted(
        (
            max(_similarity(form, _normalise(label)) for form in forms),
            _similarity(raw, _normalise(label)),  # the reading as read breaks a tie
            label,
        )
        for label in labels
    )
    best, as_read, label = scored[-1]
    tied = len(scored) > 1 and scored[-2][:2] == (best, as_read)
    if best < min_similarity or tied:
        return None, 0.0
    return label, round(best, 4)


def find_tessdata(folders: Sequence[str | Path] = TESSDATA_DIRS) -> Path:
    """Return the first folder holding tesseract's ``eng`` model.

    Raises
    ------
    OcrError
        No folder has ``eng.traineddata``; the message says which packages to install.

    Examples
    --------
    >>> (find_tessdata() / "eng.traineddata").is_file()
    True
    """
    for folder in folders:
        if (Path(folder) / "eng.traineddata").is_file():
            return Path(folder)
    raise OcrError(
        f"tesseract's models were not found in any of {', '.join(map(str, folders))}: install "
        "tesseract-ocr-eng and tesseract-ocr-ara (scripts/install-system-deps) or pass tessdata"
    )


def prepare_crop(grey: npt.NDArray[np.uint8], *, angle_deg: float = 0.0) -> Image.Image:
    """Level a greyscale crop, scale it for tesseract, binarise it (Otsu) and pad it white.

    The crop is scaled (bicubic) before thresholding, so small print keeps its shapes.

    Examples
    --------
    >>> crop = np.full((20, 30), 240, np.uint8)
    >>> crop[5:15, 5:25] = 20
    >>> image = prepare_crop(crop)
    >>> image.mode, image.size[1] == 40 + 2 * 12
    ('L', True)
    """
    image = Image.fromarray(grey)
    if angle_deg:
        image = image.rotate(angle_deg, Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    threshold = otsu_threshold(np.bincount(np.asarray(image).ravel(), minlength=256))
    rows, cols = np.nonzero(np.asarray(image) <= threshold)
    if len(rows):
        image = image.crop((cols.min(), rows.min(), cols.max() + 1, rows.max() + 1))
    scale = _TEXT_HEIGHT / max(image.height, 1)
    size = (max(1, round(image.width * scale)), _TEXT_HEIGHT)
    scaled = np.asarray(image.resize(size, Image.Resampling.BICUBIC))
    level = otsu_threshold(np.bincount(scaled.ravel(), minlength=256))
    padded = Image.new("L", (size[0] + 2 * _PAD, size[1] + 2 * _PAD), 255)
    padded.paste(Image.fromarray(np.where(scaled <= level, 0, 255).astype(np.uint8)), (_PAD, _PAD))
    return padded


def otsu_threshold(histogram: npt.NDArray[np.integer]) -> int:
    """Otsu's threshold of a 256-bin histogram: values at or below it are the dark class.

    Examples
    --------
    >>> otsu_threshold(np.bincount([10] * 50 + [200] * 50, minlength=256)) in range(10, 200)
    True
    """
    counts = histogram.astype(np.float64)
    levels = np.arange(len(counts), dtype=np.float64)
    weight = np.cumsum(counts)
    total = weight[-1]
    if total == 0:
        return 127
    mass = np.cumsum(counts * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mass[-1] * weight - total * mass) ** 2 / (weight * (total - weight))
    return int(np.nanargmax(np.where(np.isfinite(between), between, -1)))


class LabelReader:
    """Tesseract, in process (tesserocr), reading crops as one of a legend's labels.

    Latin and Arabic labels are read in separate passes (``eng`` with a character whitelist
    of the Latin labels' characters; ``ara``), each answer snapped to its label set by
    `match_label`; the better-scoring pass wins.

    Use it as a context manager so tesseract's memory is freed: ``with LabelReader(labels)
    as reader: reader.read(crop)``.

    Notes
    -----
    The tesserocr wheel has no OpenMP, so it needs no ``OMP_THREAD_LIMIT``; a reading takes
    about 2-5 ms. One reader is not thread-safe: use one per thread.
    """

    def __init__(
        self,
        labels: Sequence[str],
        *,
        tessdata: str | Path | None = None,
        min_similarity: float = MIN_SIMILARITY,
    ) -> None:
        if not labels:
            raise ValueError("labels must not be empty: give the legend's printed labels")
        self.latin = tuple(label for label in labels if not _ARABIC.search(label))
        self.arabic = tuple(label for label in labels if _ARABIC.search(label))
        self.min_similarity = min_similarity
        self.stats = OcrStats()
        folder = Path(tessdata) if tessdata is not None else find_tessdata()
        # engines start here (about 0.1 s each), so reading times are the reading alone
        self._apis: dict[str, Any] = {
            language: _open_api(folder, language, self.latin)
            for language, group in (("eng", self.latin), ("ara", self.arabic))
            if group
        }

    def __enter__(self) -> "LabelReader":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Free tesseract's engines."""
        for api in self._apis.values():
            api.End()
        self._apis.clear()

    def read(self, grey: npt.NDArray[np.uint8], *, angle_deg: float = 0.0) -> LabelReading:
        """Read one greyscale crop holding one label (tight box plus a small margin)."""
        start = time.perf_counter()
        image = prepare_crop(grey, angle_deg=angle_deg)
        readings = [
            self._read(image, language, labels)
            for language, labels in (("eng", self.latin), ("ara", self.arabic))
            if labels
        ]
        self.stats.reads += 1
        self.stats.read_seconds += time.perf_counter() - start
        return max(readings, key=lambda r: (r.label is not None, r.score))

    def _read(self, image: Image.Image, language: str, labels: Sequence[str]) -> LabelReading:
        api = self._apis[language]
        reading = LabelReading("", None, 0.0, 0.0)
        # a line is the usual layout; one letter alone is often only seen as a word
        for mode in (tesserocr.PSM.SINGLE_LINE, tesserocr.PSM.SINGLE_WORD):
            start = time.perf_counter()
            api.SetPageSegMode(mode)
            api.SetImage(image)  # after the mode, which a set image does not see
            text = str(api.GetUTF8Text()).strip()
            words = list(api.AllWordConfidences())
            self.stats.seconds += time.perf_counter() - start
            self.stats.crops += 1
            self.stats.passes[language] = self.stats.passes.get(language, 0) + 1
            confidence = float(np.mean(words)) / 100 if words else 0.0
            label, similarity = match_label(text, labels, min_similarity=self.min_similarity)
            reading = LabelReading(text, label, similarity, confidence)
            if label is not None:
                break
        return reading


def _open_api(folder: Path, language: str, latin: Sequence[str]) -> Any:
    if not (folder / f"{language}.traineddata").is_file():
        raise OcrError(
            f"tesseract's {language!r} model is missing from {folder}: install "
            f"tesseract-ocr-{language} (scripts/install-system-deps)"
        )
    api = tesserocr.PyTessBaseAPI(
        path=f"{folder}/", lang=language, psm=tesserocr.PSM.SINGLE_LINE, oem=tesserocr.OEM.LSTM_ONLY
    )
    if language == "eng":
        # both cases: LSTM often reads a lone capital as small (c, p), which folding undoes
        chars = sorted({c for label in latin for c in label + label.lower() + label.upper()})
        chars = [c for c in chars if not c.isspace()]
        api.SetVariable("tessedit_char_whitelist", "".join(chars))
    api.SetVariable("load_system_dawg", "0")
    api.SetVariable("load_freq_dawg", "0")
    return api


def _normalise(text: str) -> str:
    return "".join(text.split()).upper()


def _collapse(text: str) -> str:
    return "".join(c for i, c in enumerate(text) if i == 0 or c != text[i - 1])


def _similarity(a: str, b: str) -> float:
    return 1 - edit_distance(a, b) / max(len(a), len(b), 1)
