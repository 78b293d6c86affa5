import hashlib

import pytest
from sqlalchemy import select

from plans.errors import NotFoundError
from plans.extracts import ExtractInputError, issue_extract, verify_file
from plans.extracts.content import content_digest
from plans.extracts.service import new_reference
from plans.storage.extracts import find_extract, verify_extract
from plans.storage.models import Extract, Parcel
from tests.plans.extracts.conftest import ISSUED_AT, VERIFY_BASE, make_request
from tests.plans.extracts.synthetic import pdftotext


def _issue(session, storage_crs, **kwargs):
    return issue_extract(
        session, make_request(**kwargs), storage_crs=storage_crs, verify_base_url=VERIFY_BASE
    )


def test_issue_registers_file_hash(session, sample, storage_crs):
    issued = _issue(session, storage_crs)
    assert issued.content.startswith(b"%PDF") and issued.media_type == "application/pdf"
    assert re_reference(issued.reference)
    row = find_extract(session, issued.reference)
    assert row.sha256 == hashlib.sha256(issued.content).hexdigest() == issued.sha256
    assert row.issued_at == ISSUED_AT and row.issued_by == "clerk-7"
    parcel_id = session.scalar(select(Parcel.id).where(Parcel.number == "101-01"))
    assert row.parcel_id == parcel_id and row.plan_version_id is not None
    assert row.options["content_sha256"] == content_digest(row.options["content"])
    assert row.options["content_sha256"] == issued.content_sha256


def re_reference(reference):
    import re

    return re.fullmatch(r"EX-20251023-[0-9A-F]{8}", reference)


def test_pdf_text_has_parcel_legend_reference(session, sample, storage_crs, tmp_path):
    issued = _issue(session, storage_crs, scale=500)
    path = tmp_path / "x.pdf"
    path.write_bytes(issued.content)
    text = pdftotext(path)
    for word in ("101-01", "101-02", "RES_A Residential A", "سكني أ", issued.reference, "JED-101"):
        assert word in text, word
    assert "2024-01-01" in text and "1:500" in text
    assert issued.content_sha256 in text and issued.sha256 not in text


def test_verify_round_trip_and_tampered(session, sample, storage_crs):
    issued = _issue(session, storage_crs, format="png")
    assert issued.content.startswith(b"\x89PNG")
    assert verify_file(session, issued.reference, issued.content).valid is True
    tampered = bytearray(issued.content)
    tampered[len(tampered) // 2] ^= 0xFF
    assert verify_file(session, issued.reference, bytes(tampered)).valid is False
    assert verify_extract(session, issued.reference, issued.sha256.upper()).valid is True
    assert verify_extract(session, issued.reference, None).valid is None


def test_verify_unknown_reference(session):
    with pytest.raises(NotFoundError, match="no extract with reference 'EX-00000000-00000000'"):
        verify_extract(session, "EX-00000000-00000000", "0" * 64)


def test_area_extract(session, sample, storage_crs):
    bbox = (521_000.0, 2_383_000.0, 521_250.0, 2_383_180.0)
    issued = _issue(session, storage_crs, parcel=None, bbox=bbox, scale="auto")
    assert issued.scale == 2500
    row = session.scalar(select(Extract).where(Extract.reference == issued.reference))
    assert row.parcel_id is None and row.area is not None


def test_unknown_parcel(session, sample, storage_crs):
    with pytest.raises(NotFoundError, match="no parcel '999-99'"):
        _issue(session, storage_crs, parcel="999-99")


def test_unknown_municipality(session, storage_crs):
    with pytest.raises(NotFoundError, match="no municipality 'JED-DEMO'"):
        _issue(session, storage_crs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"parcel": None}, "exactly one of a parcel number or a bbox"),
        ({"bbox": (0, 0, 1, 1)}, "exactly one of a parcel number or a bbox"),
        ({"parcel": None, "bbox": (39.1, 21.5, 39.2, 21.6)}, "looks like longitude/latitude"),
        ({"parcel": None, "bbox": (10, 10, 5, 20)}, "min < max"),
        ({"parcel": None, "bbox": (5e6, 5e6, 5.1e6, 5.1e6)}, "outside the area of use"),
        (
            {"parcel": None, "bbox": (521_000, 2_383_000, 522_000, 2_383_500), "scale": 500},
            r"does not fit .* at 1:500",
        ),
    ],
)
def test_bad_requests_are_clear(session, sample, storage_crs, kwargs, message):
    with pytest.raises(ExtractInputError, match=message):
        _issue(session, storage_crs, **kwargs)
    assert session.scalar(select(Extract.id)) is None


def test_references_are_unique_shaped():
    references = {new_reference(ISSUED_AT) for _ in range(100)}
    assert len(references) == 100
