"""Errors raised by the pure spatial layer; every one derives from `GisError`."""


class GisError(Exception):
    """Root of every error raised by `gis`."""


class VectorReadError(GisError, ValueError):
    """A vector file could not be read (missing, corrupt, unknown format or layer)."""


class CRSError(GisError, ValueError):
    """A coordinate reference system is missing, unknown or unsuitable."""


class CRSMismatchError(CRSError):
    """Coordinates do not fit the CRS they claim to be in."""


class InvalidGeometryError(GisError, ValueError):
    """Geometries are invalid and could not (or may not) be repaired."""


class GcpError(GisError, ValueError):
    """Ground control points are missing, unreadable, malformed or duplicated."""


class GeorefError(GisError, ValueError):
    """A transform cannot be fitted to the control points (too few, collinear, degenerate)."""


class ScanReadError(GisError, ValueError):
    """A scan could not be read (missing, corrupt, unsupported, or too many pixels)."""


class ScanTooLargeError(ScanReadError):
    """A scan has more pixels than allowed (checked before decoding: no decompression bombs)."""


class LegendError(GisError, ValueError):
    """A legend is malformed: a missing or bad key, a bad colour, a repeated code."""


class ClassifyError(GisError, ValueError):
    """Pixels cannot be classified (no usable colours, nothing on the sheet matches)."""


class DigitiseError(GisError, ValueError):
    """A scan cannot be digitised with the options given (unsupported style, empty result)."""


class PdfReadError(ScanReadError):
    """A PDF scan cannot be opened or rendered (not a PDF, corrupt, or needs a password)."""


class PdfEncryptedError(PdfReadError):
    """A PDF scan is encrypted with a password that opening it needs."""


class PdfPageError(ScanReadError):
    """A page number is not a page of the PDF (pages count from 1)."""


class OcrError(GisError, RuntimeError):
    """Printed labels cannot be read: tesseract or its language models are missing."""


class LegendDetectError(GisError, ValueError):
    """No printed key was found on a sheet (no group of aligned swatch boxes)."""
