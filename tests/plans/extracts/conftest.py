"""Fixtures of extract tests: the sample town in storage, and a rendered sample extract."""

import datetime as dt

import pytest

from plans.demo import load_sample
from plans.extracts import ExtractOptions, ExtractRequest
from plans.sample import SAMPLE_MUNICIPALITY

ISSUED_AT = dt.datetime(2025, 10, 23, 9, 30, tzinfo=dt.UTC)
VERIFY_BASE = "https://plans.example.sa"


@pytest.fixture
def sample(session, storage_crs, tmp_path):
    return load_sample(session, tmp_path / "sample", storage_crs=storage_crs)


def make_request(parcel="101-01", bbox=None, **options) -> ExtractRequest:
    return ExtractRequest(
        municipality=SAMPLE_MUNICIPALITY,
        parcel=parcel,
        bbox=bbox,
        options=ExtractOptions(**options),
        issued_at=ISSUED_AT,
        issued_by="clerk-7",
    )
