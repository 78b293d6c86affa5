"""The extract's content as a canonical document, and its digest printed in the footer.

Why a content digest and not the file's hash: a page cannot print the SHA-256 of the very file
it is part of (writing the hash changes the file). So the design is:

* the register (`extract.sha256`) holds the SHA-256 of the final file bytes (PDF or PNG); the
  QR code and the footer give the reference and the verification URL, where anyone can check an
  uploaded file, or its hash, against the register;
* the footer prints the SHA-256 of this canonical document: the data the page shows (reference,
  issue time, parcel, area, zone shares, plans, scale, extent and the parcel's geometry). The
  document is stored with the register entry (`options["content"]`), so the printed digest can
  be recomputed from the register, and it also ties a paper copy to its data, where a scan of
  the paper can never match the file hash.
"""

import datetime as dt
import hashlib
import json
from typing import Any

import shapely

from plans.extracts.layout import PageLayout
from plans.extracts.options import ExtractOptions
from plans.extracts.records import ExtractContent

_GEOMETRY_GRID_M = 0.001  # geometry digested at millimetre precision


def content_document(
    content: ExtractContent, layout: PageLayout, options: ExtractOptions
) -> dict[str, Any]:
    """Return the JSON-ready document of what the extract shows."""
    subject = None
    if content.subject is not None:
        snapped = shapely.set_precision(content.subject, _GEOMETRY_GRID_M)
        subject = hashlib.sha256(shapely.to_wkb(snapped, hex=False)).hexdigest()
    return {
        "reference": content.reference,
        "issued_at": _iso(content.issued_at),
        "municipality": content.municipality_code,
        "crs": content.crs_name,
        "parcel": content.parcel_number,
        "parcel_area_m2": content.parcel_area_m2,
        "parcel_geometry_sha256": subject,
        "zones": [[z.zone_code, round(z.area_m2, 2), round(z.share, 4)] for z in content.zones],
        "plans": [[p.number, p.version, p.effective_from.isoformat()] for p in content.plans],
        "paper": options.paper,
        "orientation": options.orientation,
        "scale": layout.scale,
        "lang": options.lang,
        "format": options.format,
        "extent": [round(value, 3) for value in layout.extent],
        "verify_url": content.verify_url,
        "digits": options.digits,
        "rules": dict(content.rules),
        "check": [content.check.reference, content.check.verdict] if content.check else None,
        "roads": [[road.name, road.width_m] for road in content.roads],
    }


def content_digest(document: dict[str, Any]) -> str:
    """Return the SHA-256 (hex) of `document` serialised canonically (sorted keys, UTF-8).

    Examples
    --------
    >>> content_digest({"b": 1, "a": "مخطط"}) == content_digest({"a": "مخطط", "b": 1})
    True
    """
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat() if moment.tzinfo else moment.isoformat()
