"""The choices of an extract (paper, orientation, scale, language, format), checked on entry."""

from dataclasses import dataclass
from typing import Literal, TypeAlias

from plans.extracts.errors import ExtractInputError

Paper: TypeAlias = Literal["a4", "a3"]
"""ISO 216 paper size."""
PAPERS: tuple[Paper, ...] = ("a4", "a3")

Orientation: TypeAlias = Literal["portrait", "landscape"]
"""Which way the page is turned."""
ORIENTATIONS: tuple[Orientation, ...] = ("portrait", "landscape")

Lang: TypeAlias = Literal["ar", "en", "ar+en"]
"""Language of the labels: Arabic, English, or both (bilingual)."""
LANGS: tuple[Lang, ...] = ("ar", "en", "ar+en")

OutputFormat: TypeAlias = Literal["pdf", "png"]
"""File written: a vector PDF with embedded fonts, or a 300-dpi PNG."""
FORMATS: tuple[OutputFormat, ...] = ("pdf", "png")

Digits: TypeAlias = Literal["latin", "arabic"]
"""Digits of numbers in Arabic text: Latin (0-9) or Arabic-Indic (U+0660-U+0669)."""
DIGITS: tuple[Digits, ...] = ("latin", "arabic")

ScaleChoice: TypeAlias = int | Literal["auto"]
"""A scale denominator from `STANDARD_SCALES`, or ``"auto"``."""
STANDARD_SCALES: tuple[int, ...] = (500, 1000, 2500, 5000)

MEDIA_TYPES: dict[OutputFormat, str] = {"pdf": "application/pdf", "png": "image/png"}


def _choice(value: str, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        listed = ", ".join(repr(choice) for choice in allowed)
        raise ExtractInputError(f"{name} must be one of {listed}; got {value!r}")
    return value


def parse_paper(value: str) -> Paper:
    """Return `value` as a paper size, or raise `ExtractInputError` listing the allowed ones.

    Examples
    --------
    >>> parse_paper("a3")
    'a3'
    """
    return "a3" if _choice(value, PAPERS, "paper") == "a3" else "a4"


def parse_orientation(value: str) -> Orientation:
    """Return `value` as an orientation, or raise `ExtractInputError` listing the allowed ones."""
    chosen = _choice(value, ORIENTATIONS, "orientation")
    return "landscape" if chosen == "landscape" else "portrait"


def parse_lang(value: str) -> Lang:
    """Return `value` as a label language, or raise `ExtractInputError` listing the allowed ones."""
    chosen = _choice(value, LANGS, "lang")
    return "ar" if chosen == "ar" else "en" if chosen == "en" else "ar+en"


def parse_format(value: str) -> OutputFormat:
    """Return `value` as an output format, or raise `ExtractInputError` listing the allowed ones."""
    return "png" if _choice(value, FORMATS, "format") == "png" else "pdf"


def parse_digits(value: str) -> Digits:
    """Return `value` as a digit style, or raise `ExtractInputError` listing the allowed ones."""
    return "arabic" if _choice(value, DIGITS, "digits") == "arabic" else "latin"


def parse_scale(value: int | str) -> ScaleChoice:
    """Return a standard scale denominator or ``"auto"``; ``"1:1000"`` and ``"1000"`` both work.

    Examples
    --------
    >>> parse_scale("1:2500"), parse_scale(500), parse_scale("auto")
    (2500, 500, 'auto')
    >>> parse_scale(750)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    plans.extracts.errors.ExtractInputError: scale must be one of 500, 1000, 2500, 5000 or ...
    """
    text = str(value).strip().removeprefix("1:")
    if text == "auto":
        return "auto"
    if text.isdigit() and int(text) in STANDARD_SCALES:
        return int(text)
    listed = ", ".join(str(scale) for scale in STANDARD_SCALES)
    raise ExtractInputError(f"scale must be one of {listed} or 'auto'; got {value!r}")


@dataclass(frozen=True)
class ExtractOptions:
    """How an extract is printed; every field is checked when the options are made."""

    paper: Paper = "a4"
    orientation: Orientation = "portrait"
    scale: ScaleChoice = 1000
    lang: Lang = "ar+en"
    format: OutputFormat = "pdf"
    digits: Digits = "latin"

    def __post_init__(self) -> None:
        parse_paper(self.paper)
        parse_orientation(self.orientation)
        parse_scale(self.scale)
        parse_lang(self.lang)
        parse_format(self.format)
        if parse_digits(self.digits) == "arabic" and self.lang == "en":
            raise ExtractInputError(
                "digits 'arabic' applies to Arabic text; use lang 'ar' or 'ar+en', "
                "or digits 'latin'"
            )

    @property
    def media_type(self) -> str:
        """The media type of the file these options produce."""
        return MEDIA_TYPES[self.format]
