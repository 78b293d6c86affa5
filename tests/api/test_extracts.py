import hashlib
import io
import json
import zipfile

import pytest
import typer
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.cli import extracts as cli_extracts
from api.routes import extracts as extract_routes
from plans.demo import load_sample
from plans.errors import NotFoundError
from tests.plans.extracts.synthetic import pdftotext


@pytest.fixture
def extracts_client(client: TestClient) -> TestClient:
    """The real app, with the extracts router included when app.py does not include it yet."""
    app = client.app
    if not any(getattr(route, "path", "") == "/extracts" for route in app.routes):
        app.include_router(extract_routes.router)
    return client


def _issue(client, **body):
    return client.post("/extracts", json={"parcel": "101-01", **body})


def test_post_extract_returns_pdf_with_reference(extracts_client, sample, tmp_path):
    response = _issue(extracts_client)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    reference = response.headers["x-reference"]
    assert reference.startswith("EX-") and response.content.startswith(b"%PDF")
    path = tmp_path / "e.pdf"
    path.write_bytes(response.content)
    text = pdftotext(path)
    assert reference in text and "101-01" in text
    assert f"/extracts/{reference}/verify" in text.replace("\n", "")


def test_post_extract_png(extracts_client, sample):
    response = _issue(extracts_client, format="png", lang="en", paper="a3")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"


def test_verify_hash_valid(extracts_client, sample):
    response = _issue(extracts_client)
    reference = response.headers["x-reference"]
    sha = hashlib.sha256(response.content).hexdigest()
    answer = extracts_client.get(f"/extracts/{reference}/verify", params={"sha256": sha})
    assert answer.status_code == 200
    body = answer.json()
    assert body["reference"] == reference and body["valid"] is True and body["issued_at"]


def test_verify_hash_invalid(extracts_client, sample):
    reference = _issue(extracts_client).headers["x-reference"]
    answer = extracts_client.get(f"/extracts/{reference}/verify", params={"sha256": "0" * 64})
    assert answer.json()["valid"] is False


def test_verify_upload_valid_and_tampered(extracts_client, sample):
    response = _issue(extracts_client)
    reference = response.headers["x-reference"]
    url = f"/extracts/{reference}/verify"
    headers = {"content-type": "application/pdf"}
    assert extracts_client.post(url, content=response.content, headers=headers).json()["valid"]
    tampered = response.content + b"%tampered\n"  # still opens in a PDF reader
    answer = extracts_client.post(url, content=tampered, headers=headers)
    assert answer.status_code == 200 and answer.json()["valid"] is False


def test_verify_without_hash_answers_registered(extracts_client, sample):
    reference = _issue(extracts_client).headers["x-reference"]
    body = extracts_client.get(f"/extracts/{reference}/verify").json()
    assert body["valid"] is None and body["reference"] == reference


def test_verify_unknown_reference_404(extracts_client):
    answer = extracts_client.get(
        "/extracts/EX-20250101-DEADBEEF/verify", params={"sha256": "0" * 64}
    )
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


def test_verify_malformed_hash_422(extracts_client):
    answer = extracts_client.get("/extracts/EX-1/verify", params={"sha256": "' OR 1=1 --"})
    assert answer.status_code == 422


def test_post_unknown_parcel_404(extracts_client, sample):
    answer = _issue(extracts_client, parcel="999-99")
    assert answer.status_code == 404
    assert "no parcel '999-99'" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"scale": 750}, "scale"), ({"paper": "letter"}, "paper"), ({"lang": "fr"}, "lang")],
)
def test_post_bad_option_422(extracts_client, sample, body, field):
    answer = _issue(extracts_client, **body)
    assert answer.status_code == 422
    assert field in answer.json()["detail"]


def test_post_parcel_not_fitting_422(extracts_client, sample):
    answer = extracts_client.post(
        "/extracts",
        json={"bbox": [521_000, 2_383_000, 522_000, 2_383_500], "scale": 500},
    )
    assert answer.status_code == 422
    assert "does not fit" in answer.json()["detail"]


# --- command line -------------------------------------------------------------------------


@pytest.fixture
def cli_app(env_settings, fresh_url, storage_crs, tmp_path):
    env_settings.setenv("MUKHATTAT_DATABASE_URL", fresh_url)
    engine = create_engine(fresh_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with Session(engine) as session, session.begin():
            load_sample(session, tmp_path / "sample", storage_crs=storage_crs)
    finally:
        engine.dispose()
    app = typer.Typer()
    app.command("extract")(cli_extracts.extract)
    app.command("noop")(lambda: None)  # two commands, so `extract` is a sub-command
    return app


def test_cli_extract_writes_pdf(cli_app, tmp_path):
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(
        cli_app, ["extract", "--parcel", "101-01", "--scale", "auto", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "1:500" in result.output and "reference EX-" in result.output
    assert hashlib.sha256(out.read_bytes()).hexdigest() in result.output


@pytest.mark.parametrize(
    ("args", "option", "message"),
    [
        (["--parcel", "101-01", "--scale", "750"], "--scale", "scale must be one of"),
        (["--parcel", "101-01", "--paper", "a5"], "--paper", "paper must be one of"),
        (["--parcel", "101-01", "--lang", "fr"], "--lang", "lang must be one of"),
        (["--bbox", "1,2,3"], "--bbox", "four numbers"),
        ([], "--parcel", "exactly one of --parcel or --bbox"),
    ],
)
def test_cli_usage_errors_exit_2(cli_app, tmp_path, args, option, message):
    result = CliRunner().invoke(cli_app, ["extract", *args, "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert option in result.output and message in result.output


def test_cli_unknown_parcel_is_runtime_error(cli_app, tmp_path):
    result = CliRunner().invoke(
        cli_app, ["extract", "--parcel", "999-99", "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1 and isinstance(result.exception, NotFoundError)
    assert not (tmp_path / "x.pdf").exists()


def test_post_extract_arabic_digits_with_english_422(extracts_client, sample):
    answer = _issue(extracts_client, lang="en", digits="arabic")
    assert answer.status_code == 422
    assert "digits 'arabic' applies to Arabic text" in answer.json()["detail"]


def test_post_extract_unknown_check_404(extracts_client, sample):
    answer = _issue(extracts_client, check_reference="PC-20250101-00000000")
    assert answer.status_code == 404
    assert "no permit check" in answer.json()["detail"]


def test_batch_of_extracts_as_zip_with_manifest(client, sample, clerk):
    response = client.post("/extracts/batch", json={"parcels": ["101-01", "101-02"]}, headers=clerk)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    assert [entry["parcel"] for entry in manifest] == ["101-01", "101-02"]
    for entry in manifest:
        data = archive.read(entry["file"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        verified = client.get(
            f"/extracts/{entry['reference']}/verify", params={"sha256": entry["sha256"]}
        )
        assert verified.json()["valid"] is True
    register = client.get("/extracts", headers=clerk).json()
    assert {row["reference"] for row in register} >= {entry["reference"] for entry in manifest}
    assert all(row["issued_by"].endswith(":counter") for row in register[:2])


def test_batch_needs_a_clerk_and_limits(client, sample, clerk):
    assert client.post("/extracts/batch", json={"parcels": ["101-01"]}).status_code == 401
    assert client.get("/extracts").status_code == 401
    too_many = client.post(
        "/extracts/batch", json={"parcels": [f"p{i}" for i in range(201)]}, headers=clerk
    )
    assert too_many.status_code == 413
    assert "at most 200 parcels" in too_many.json()["detail"]
    twice = client.post("/extracts/batch", json={"parcels": ["101-01", "101-01"]}, headers=clerk)
    assert twice.status_code == 422


def test_batch_with_unknown_parcel_registers_nothing(client, sample, clerk, session):
    response = client.post("/extracts/batch", json={"parcels": ["101-01", "nope"]}, headers=clerk)
    assert response.status_code == 404
    assert "nope" in response.json()["detail"]
