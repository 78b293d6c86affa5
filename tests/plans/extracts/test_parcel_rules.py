"""The rules band, the permit check's verdict, Arabic-Indic digits and road labels on a page."""

import pytest
from shapely import box

from plans.errors import NotFoundError
from plans.extracts import ExtractInputError, ExtractOptions, issue_extract
from plans.extracts.records import RoadLabel
from plans.extracts.roadlabels import road_labels, road_text
from plans.extracts.rulestable import rule_rows
from plans.permits import PermitRequest, check_permit
from plans.sample import SAMPLE_MUNICIPALITY
from tests.plans.extracts.conftest import VERIFY_BASE, make_request
from tests.plans.extracts.synthetic import pdftotext

ARABIC_75 = "\u0667\u0665"


def _issue(session, storage_crs, request):
    return issue_extract(session, request, storage_crs=storage_crs, verify_base_url=VERIFY_BASE)


def _text(issued, tmp_path):
    path = tmp_path / f"{issued.reference}.pdf"
    path.write_bytes(issued.content)
    return pdftotext(path)


def _check(session, storage_crs, parcel="101-01"):
    request = PermitRequest(municipality=SAMPLE_MUNICIPALITY, use="residential",
                            parcel_number=parcel)  # fmt: skip
    return check_permit(session, request, storage_crs=storage_crs)


def test_rules_of_the_parcel_printed(session, storage_crs, sample, tmp_path):
    issued = _issue(session, storage_crs, make_request(lang="en"))
    text = _text(issued, tmp_path)
    assert "Rules that apply to the parcel" in text
    assert "Coverage" in text and "75 %" in text and "residential" in text


def test_permit_check_verdict_and_reference_printed(session, storage_crs, sample, tmp_path):
    check = _check(session, storage_crs)
    request = make_request(lang="en")
    request = type(request)(**{**request.__dict__, "check_reference": check["reference"]})
    text = _text(_issue(session, storage_crs, request), tmp_path)
    assert check["reference"] in text and "Permit check" in text
    assert check["verdict"].replace("_", " ") in text


def test_check_of_another_parcel_refused(session, storage_crs, sample):
    check = _check(session, storage_crs, parcel="101-02")
    request = make_request()
    request = type(request)(**{**request.__dict__, "check_reference": check["reference"]})
    with pytest.raises(
        ExtractInputError, match=r"was made for parcel '101-02', not parcel '101-01'"
    ):
        _issue(session, storage_crs, request)


def test_unknown_check_not_found(session, storage_crs, sample):
    request = make_request()
    request = type(request)(**{**request.__dict__, "check_reference": "PC-20250101-00000000"})
    with pytest.raises(NotFoundError, match="no permit check"):
        _issue(session, storage_crs, request)


def test_arabic_digits_in_arabic_page(session, storage_crs, sample, tmp_path):
    issued = _issue(session, storage_crs, make_request(lang="ar", digits="arabic"))
    text = _text(issued, tmp_path)
    assert ARABIC_75 in text
    # 2025-10-23 in Arabic-Indic digits (isolated; checked in order on the PNG by eye)
    assert "\u0662\u0660\u0662\u0665" in text and "\u0662\u0663" in text
    assert issued.reference in text and "101-01" in text  # identifiers stay Latin


def test_latin_digits_by_default(session, storage_crs, sample, tmp_path):
    text = _text(_issue(session, storage_crs, make_request(lang="ar")), tmp_path)
    assert ARABIC_75 not in text and "75 %" in text


def test_arabic_digits_need_arabic_text():
    with pytest.raises(ExtractInputError, match="digits 'arabic' applies to Arabic text"):
        ExtractOptions(lang="en", digits="arabic")


def test_rule_rows_prefix_codes_with_several_zones():
    rows = dict(rule_rows([("A", {"max_far": 1.2}), ("B", {"max_far": 2})], lang="en",
                          digits="latin"))  # fmt: skip
    assert rows["far"] == "A 1.2; B 2" and rows["coverage"] == "—"


def test_road_labels_measure_width_and_take_name():
    roads = [("King Fahd Rd", box(-10, -12, 40, 0)), (None, box(30, -10, 48, 50))]
    labels = {label.name: label for label in road_labels(box(0, 0, 30, 40), roads)}
    assert labels["King Fahd Rd"].width_m == pytest.approx(12.0)
    assert labels[None].width_m == pytest.approx(18.0) and labels[None].angle_deg == 90.0


def test_road_text_with_arabic_digits():
    road = RoadLabel(0, 0, 0, 12.5, "King Fahd Rd")
    assert road_text(road, lang="en", digits="latin") == "King Fahd Rd  12.5 m"
