"""Scans given as a page of a PDF: `mukhattat vectorise --page`, and the HTTP scan import."""

import geopandas as gpd
import matplotlib
from pypdf import PdfReader, PdfWriter

from api.cli import run
from tests.factories import write_sheet_files

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def write_pdf_scan(folder):
    """The synthetic sheet as page 2 of a PDF (page 1 a blank cover), pixel for pixel."""
    _png, gcps, legend, sheet = write_sheet_files(folder)
    page = folder / "page.pdf"
    plt.imsave(page, sheet.image, dpi=150, format="pdf")
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.append(PdfReader(page))
    pdf = folder / "plan.pdf"
    writer.write(pdf)
    return pdf, gcps, legend


def _vectorise(tmp_path, pdf, gcps, legend, *extra):
    inputs = ["vectorise", str(pdf), "--gcps", str(gcps), "--legend", str(legend)]
    options = ["--crs", "EPSG:32637", "--method", "affine", "-o", str(tmp_path / "out.gpkg")]
    return run([*inputs, *options, *extra])


def test_vectorise_pdf_page(env_settings, tmp_path, capsys):
    pdf, gcps, legend = write_pdf_scan(tmp_path)
    assert _vectorise(tmp_path, pdf, gcps, legend, "--page", "2") == 0, capsys.readouterr().err
    zones = gpd.read_file(tmp_path / "out.gpkg", layer="zones")
    assert set(zones["zone_code"]) == {"RES_A", "RES_B", "COM"}


def test_vectorise_pdf_page_out_of_range_exits_1_naming_the_count(env_settings, tmp_path, capsys):
    pdf, gcps, legend = write_pdf_scan(tmp_path)
    assert _vectorise(tmp_path, pdf, gcps, legend, "--page", "3") == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "the PDF has 2 page(s)" in err


def test_vectorise_page_zero_is_a_usage_error(env_settings, tmp_path, capsys):
    pdf, gcps, legend = write_pdf_scan(tmp_path)
    assert _vectorise(tmp_path, pdf, gcps, legend, "--page", "0") == 2
    assert "--page" in capsys.readouterr().err


def _post(client, headers, pdf, gcps, legend, page):
    with pdf.open("rb") as s, gcps.open("rb") as g, legend.open("rb") as lg:
        return client.post(
            "/plans/S-PDF/scans",
            files={"scan": (pdf.name, s), "gcps": (gcps.name, g), "legend": (legend.name, lg)},
            data={"method": "affine", "municipality": "JED-DEMO", "page": str(page)},
            headers=headers,
        )


def test_post_scan_pdf_page_imports(client, planner, tmp_path):
    pdf, gcps, legend = write_pdf_scan(tmp_path)
    response = _post(client, planner, pdf, gcps, legend, page=2)
    assert response.status_code == 201, response.text
    codes = {entry["zone_code"] for entry in response.json()["zone_codes"]}
    assert codes == {"RES_A", "RES_B", "COM"}


def test_post_scan_pdf_missing_page_is_422(client, planner, tmp_path):
    pdf, gcps, legend = write_pdf_scan(tmp_path)
    response = _post(client, planner, pdf, gcps, legend, page=5)
    assert response.status_code == 422
    assert response.json()["code"] == "pdf_page" and "2 page(s)" in response.json()["detail"]


def test_post_scan_pdf_queued_keeps_the_page(client, planner, tmp_path, session):
    from plans.jobs import job_dir, request_of
    from plans.storage.models import ImportJob

    pdf, gcps, legend = write_pdf_scan(tmp_path)
    with pdf.open("rb") as s, gcps.open("rb") as g, legend.open("rb") as lg:
        response = client.post(
            "/plans/S-PDF/scans?wait=false",
            files={"scan": (pdf.name, s), "gcps": (gcps.name, g), "legend": (legend.name, lg)},
            data={"method": "affine", "municipality": "JED-DEMO", "page": "2"},
            headers=planner,
        )
    assert response.status_code == 202, response.text
    job = session.get_one(ImportJob, response.json()["job_id"])
    assert job.inputs["scan"] == "scan.pdf" and job.inputs["page"] == 2
    assert request_of(job, job_dir(tmp_path, job.id)).source.page == 2
