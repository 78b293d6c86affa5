"""Printed plan extracts: true-scale bilingual pages (PDF or PNG), registered by SHA-256.

`issue_extract` gathers, renders and registers one extract in the caller's transaction;
`verify_file` checks a file against the register. Rendering itself (`render_extract`) is pure:
plain records and geometries in, bytes out.
"""

from plans.extracts.errors import ExtractInputError, ShapingUnavailableError
from plans.extracts.options import ExtractOptions
from plans.extracts.records import (
    ExtractContent,
    ExtractRequest,
    ExtractVerification,
    IssuedExtract,
)
from plans.extracts.render import render_extract
from plans.extracts.service import issue_extract, verify_file

__all__ = [
    "ExtractContent",
    "ExtractInputError",
    "ExtractOptions",
    "ExtractRequest",
    "ExtractVerification",
    "IssuedExtract",
    "ShapingUnavailableError",
    "issue_extract",
    "render_extract",
    "verify_file",
]
