"""Synthetic extract content with exact geometry (EPSG:32637 metres), and PDF helpers."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from shapely import box

from plans.extracts import ExtractContent, ExtractOptions
from plans.extracts.layout import page_layout
from plans.extracts.records import MapFeatures, PlanInfo
from plans.records import ZoneShare

X0, Y0 = 521_000.0, 2_383_000.0
ISSUED_AT = dt.datetime(2025, 10, 23, 9, 30, tzinfo=dt.UTC)
SUBJECT = box(X0 + 30, Y0, X0 + 60, Y0 + 40)  # 30 m x 40 m


def content(*, reference="EX-20251023-0A1B2C3D", issued_at=ISSUED_AT) -> ExtractContent:
    parcels = [
        (f"7-{i + 1:02d}", box(X0 + 30 * i, Y0 + 40 * j, X0 + 30 * (i + 1), Y0 + 40 * (j + 1)))
        for j in range(2)
        for i in range(4)
    ]
    zones = [
        ("RES_A", box(X0, Y0, X0 + 120, Y0 + 80)),
        ("MIX", box(X0 + 120, Y0, X0 + 200, Y0 + 80)),  # hatched
        ("ROAD", box(X0 - 20, Y0 - 20, X0 + 220, Y0)),
        ("IND", box(X0 + 5_000, Y0, X0 + 5_100, Y0 + 100)),  # far outside any frame
    ]
    return ExtractContent(
        reference=reference,
        issued_at=issued_at,
        municipality_code="JED-T",
        municipality_ar="أمانة جدة",
        municipality_en="Jeddah Municipality",
        crs_name="EPSG:32637",
        verify_url=f"https://plans.example.sa/extracts/{reference}/verify",
        focus=SUBJECT.bounds,
        features=MapFeatures(zones=tuple(zones), parcels=tuple(parcels)),
        subject=SUBJECT,
        parcel_number="7-02",
        parcel_area_m2=1200.0,
        zones=(ZoneShare("RES_A", 1200.0, 1.0),),
        plans=(PlanInfo(1, "JED-101", 2, dt.date(2024, 1, 1)),),
    )


def layout_for(**options):
    return page_layout(ExtractOptions(**options), SUBJECT.bounds, context=True)


def pdftotext(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext not installed (apt-get install poppler-utils)")
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")
