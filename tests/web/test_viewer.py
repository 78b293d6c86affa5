import httpx
from playwright.sync_api import Page, expect

READY = "body[data-ready='1']"


def _open(browser, url) -> Page:
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector(READY, timeout=30_000)
    assert not errors, errors
    return page


def test_viewer_draws_zones_and_legend(browser, live_server, tmp_path):
    page = _open(browser, live_server + "/")
    zones = page.evaluate("mukhattat.map.queryRenderedFeatures({layers: ['zones-fill']}).length")
    assert zones > 0
    expect(page.locator("#legend li")).to_have_count(5)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.screenshot(path=tmp_path / "viewer.png")


def test_click_parcel_shows_its_zoning(browser, live_server):
    page = _open(browser, live_server + "/")
    page.evaluate("mukhattat.map.jumpTo({center: [39.2030, 21.5499], zoom: 18})")
    parcels_drawn = "mukhattat.map.queryRenderedFeatures({layers: ['parcels-fill']}).length > 0"
    page.wait_for_function(f"mukhattat.map.loaded() && {parcels_drawn}", timeout=30_000)
    point = page.evaluate(
        "(() => { const p = mukhattat.map.project([39.2030, 21.5499]); return [p.x, p.y]; })()"
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    expect(page.locator("#parcel")).to_be_visible(timeout=10_000)
    expect(page.locator("#parcel-number")).to_have_text("101-01")
    expect(page.locator("#parcel-zones li").first).to_contain_text("RES_A")
    coverage_75 = "نسبة التغطية القصوى: \u0667\u0665\u066a"  # 75 % in Arabic-Indic digits
    expect(page.locator("#parcel-zones .zone-rules")).to_contain_text(coverage_75)


def test_language_switch_to_english_left_to_right(browser, live_server):
    page = _open(browser, live_server + "/")
    page.click("#lang")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("h2[data-i18n=layers]")).to_have_text("Layers")
    expect(page.locator("#legend li").first).to_contain_text("Commercial")


def test_clients_get_json_landing_page(live_server):
    response = httpx.get(live_server + "/", headers={"Accept": "application/json"})
    assert response.json()["title"] == "Mukhattat"
    assert httpx.get(live_server + "/?f=json").headers["content-type"] == "application/json"


def test_vendor_assets_served_locally(live_server):
    script = httpx.get(live_server + "/static/vendor/maplibre-gl/maplibre-gl.js")
    assert script.status_code == 200
    assert len(script.content) > 100_000


def _select_first_parcel(page):
    page.evaluate("mukhattat.map.jumpTo({center: [39.2030, 21.5499], zoom: 18})")
    parcels_drawn = "mukhattat.map.queryRenderedFeatures({layers: ['parcels-fill']}).length > 0"
    page.wait_for_function(f"mukhattat.map.loaded() && {parcels_drawn}", timeout=30_000)
    point = page.evaluate(
        "(() => { const p = mukhattat.map.project([39.2030, 21.5499]); return [p.x, p.y]; })()"
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    expect(page.locator("#parcel-number")).to_have_text("101-01")
    return box


def test_check_a_drawn_building(browser, live_server):
    page = _open(browser, live_server + "/")
    box = _select_first_parcel(page)
    page.click("#draw-footprint")
    project = "c => { const p = mukhattat.map.project(c); return [p.x, p.y]; }"
    corners = page.evaluate(f"[[39.20285, 21.54975], [39.20305, 21.54995]].map({project})")
    for x, y in corners:
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_timeout(300)
    expect(page.locator("#footprint-state")).to_have_text("تم رسم المبنى")
    page.fill("#check-floors", "2")
    page.click("#check-submit")
    expect(page.locator("#check-result")).to_be_visible(timeout=10_000)
    expect(page.locator("#check-verdict")).to_have_text("مسموح")
    expect(page.locator("#check-reference")).to_contain_text("PC-")
    for layer in ("envelope-line", "footprint-fill"):
        drawn = f"mukhattat.map.queryRenderedFeatures({{layers: ['{layer}']}}).length > 0"
        page.wait_for_function(drawn, timeout=10_000)
    page.click("#lang")
    expect(page.locator("#check-verdict")).to_have_text("Eligible")
    expect(page.locator("#check-rules li").first).to_contain_text("Zone RES_A")


def test_print_extract_from_the_map(browser, live_server):
    page = _open(browser, live_server + "/")
    _select_first_parcel(page)
    with page.expect_download(timeout=30_000) as download:
        page.click("#print-extract")
    assert download.value.suggested_filename.startswith("EX-")
    path = download.value.path()
    assert path.read_bytes()[:5] == b"%PDF-"
    expect(page.locator("#extract-link")).to_contain_text("EX-")


def test_review_a_scanned_draft_over_its_scan(browser, live_server):
    page = _open(browser, live_server + "/")
    scan_tiles: list[int] = []
    page.on("response", lambda r: scan_tiles.append(r.status) if "/scans/" in r.url else None)
    draft = page.locator("#version option", has_text="JED-102")
    page.select_option("#version", value=draft.get_attribute("value"))
    expect(page.locator("#scan-control")).to_be_visible()
    expect(page.locator("#report")).to_be_visible()
    expect(page.locator("#report-items")).to_contain_text("affine")
    expect(page.locator("#report-items")).to_contain_text("سليمة بلا فجوات")
    page.wait_for_function("mukhattat.map.getLayer('scan') !== undefined && mukhattat.map.loaded()")
    page.wait_for_function(
        "mukhattat.map.queryRenderedFeatures({layers: ['zones-fill']}).length > 0"
    )
    assert 200 in scan_tiles
    page.fill("#scan-opacity", "0.3")
    assert page.evaluate("mukhattat.map.getPaintProperty('scan', 'raster-opacity')") == 0.3
    expect(page.locator("#legend li")).not_to_have_count(0)
