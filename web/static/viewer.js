// Mukhattat web viewer: zones and parcels from this server's vector tiles, bilingual, RTL-aware.
"use strict";

const STRINGS = {
  ar: {
    title: "مخطط", layers: "الطبقات", zones: "المناطق", parcels: "قطع الأراضي",
    opacity: "شفافية المناطق", legend: "مفتاح الخريطة", parcel: "قطعة الأرض", number: "الرقم",
    area: "المساحة", zoning: "التنظيم", hint: "انقر على قطعة أرض لعرض تنظيمها.",
    other: "English", m2: "م²", none: "لا توجد منطقة في المخطط النافذ",
    check: "تحقق من مبنى", use: "الاستعمال", residential: "سكني", commercial: "تجاري", industrial: "صناعي",
    floors: "عدد الطوابق", height: "الارتفاع (م)", gfa: "مسطح البناء (م²)", draw: "ارسم المبنى (نقرتان)",
    submit: "تحقق", verdict: "النتيجة", reference: "المرجع", drawn: "تم رسم المبنى", corner: "انقر الركن المقابل",
    eligible: "مسموح", not_eligible: "غير مسموح", needs_review: "يحتاج إلى مراجعة",
    print: "اطبع بيان المخطط (PDF)", extract: "بيان المخطط",
    plan: "المخطط", inforce: "المخططات النافذة", scan: "شفافية المخطط الممسوح",
    draft: "مسودة", in_force: "نافذ", superseded: "ملغى",
    report: "تقرير الجودة", source: "المصدر", method: "طريقة الإسناد", rms: "خطأ نقاط الضبط (م)",
    lowconf: "بكسلات منخفضة الثقة", coverage: "التغطية", valid: "سليمة بلا فجوات", invalid: "فيها فجوات أو تداخل",
    review: "مناطق للمراجعة", warnings: "تنبيهات", features: "المعالم", repaired: "هندسات مصححة",
  },
  en: {
    title: "Mukhattat", layers: "Layers", zones: "Zones", parcels: "Parcels",
    opacity: "Zone opacity", legend: "Legend", parcel: "Parcel", number: "Number",
    area: "Area", zoning: "Zoning", hint: "Click a parcel to see its zoning.",
    other: "العربية", m2: "m²", none: "No zone of the plan in force",
    check: "Check a building", use: "Use", residential: "Residential", commercial: "Commercial", industrial: "Industrial",
    floors: "Floors", height: "Height (m)", gfa: "Floor area (m²)", draw: "Draw the building (two clicks)",
    submit: "Check", verdict: "Verdict", reference: "Reference", drawn: "Building drawn", corner: "Click the opposite corner",
    eligible: "Eligible", not_eligible: "Not eligible", needs_review: "Needs review",
    print: "Print the plan extract (PDF)", extract: "Plan extract",
    plan: "Plan", inforce: "Plans in force", scan: "Scan opacity",
    draft: "draft", in_force: "in force", superseded: "superseded",
    report: "Quality report", source: "Source", method: "Georeferencing", rms: "GCP error (m)",
    lowconf: "Low-confidence pixels", coverage: "Coverage", valid: "valid, no gaps", invalid: "gaps or overlaps",
    review: "Zones to review", warnings: "Warnings", features: "Features", repaired: "Repaired geometries",
  },
};

const RULE_NAMES = {
  max_coverage: { ar: "نسبة التغطية القصوى", en: "Max coverage", percent: true },
  max_far: { ar: "معامل البناء الأقصى", en: "Max floor-area ratio" },
  max_floors: { ar: "أقصى عدد للطوابق", en: "Max floors" },
  max_height_m: { ar: "أقصى ارتفاع (م)", en: "Max height (m)" },
  min_plot_area_m2: { ar: "أدنى مساحة للقطعة (م²)", en: "Min plot area (m²)" },
  min_frontage_m: { ar: "أدنى واجهة (م)", en: "Min frontage (m)" },
};

const state = { lang: "ar", legend: [], parcel: null, check: null, footprint: null, drawing: null, versions: [], version: "", report: null };

function t(key) { return STRINGS[state.lang][key]; }

function formatNumber(value) {
  return new Intl.NumberFormat(state.lang === "ar" ? "ar-SA" : "en-GB", { maximumFractionDigits: 1 }).format(value);
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.documentElement.dir = state.lang === "ar" ? "rtl" : "ltr";
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.getElementById("lang").textContent = t("other");
  document.title = state.lang === "ar" ? "مخطط · Mukhattat" : "Mukhattat · مخطط";
  renderLegend();
  renderParcel();
  renderCheck();
  renderVersions();
  renderReport();
}

function versionQuery() { return state.version ? `?version=${state.version}` : ""; }

function renderVersions() {
  const select = document.getElementById("version");
  const first = select.options[0];
  first.textContent = t("inforce");
  const options = state.versions.map((v) => {
    const option = document.createElement("option");
    option.value = String(v.plan_version_id);
    option.textContent = `${v.plan_number} v${v.version} (${t(v.status)})`;
    return option;
  });
  select.replaceChildren(first, ...options);
  select.value = state.version;
}

function colourZones(map) {
  // The style colours the codes in force; a draft may bring others, coloured from its legend.
  if (!state.legend.length) return;
  const fill = ["match", ["get", "zone_code"]];
  const line = ["match", ["get", "zone_code"]];
  state.legend.forEach((entry) => { fill.push(entry.code, entry.fill); line.push(entry.code, entry.outline); });
  fill.push("#cccccc");
  line.push("#666666");
  map.setPaintProperty("zones-fill", "fill-color", fill);
  map.setPaintProperty("zones-line", "line-color", line);
}

function reportRows(report) {
  const quality = report.quality_report || {};
  const rows = [[t("source"), `${report.source_kind}: ${report.source_name || ""}`]];
  if (quality.georef) rows.push([t("method"), quality.georef.method], [t("rms"), formatNumber(quality.georef.rms_m)]);
  if (quality.pixels) rows.push([t("lowconf"), `${formatNumber(quality.pixels.low_confidence * 100)}٪`]);
  if (quality.coverage) rows.push([t("coverage"), quality.coverage.valid ? t("valid") : t("invalid")]);
  if (quality.review) rows.push([t("review"), formatNumber(quality.review.length)]);
  if (quality.warnings && quality.warnings.length) rows.push([t("warnings"), quality.warnings.join("; ")]);
  if (quality.features !== undefined) rows.push([t("features"), formatNumber(quality.features)]);
  if (quality.repaired_features) rows.push([t("repaired"), formatNumber(quality.repaired_features.length)]);
  return rows;
}

function renderReport() {
  const section = document.getElementById("report");
  section.hidden = !state.report;
  if (!state.report) return;
  document.getElementById("report-items").replaceChildren(...reportRows(state.report).flatMap(([term, value]) => [
    Object.assign(document.createElement("dt"), { textContent: term }),
    Object.assign(document.createElement("dd"), { textContent: value }),
  ]));
}

function showScan(map, version) {
  if (map.getLayer("scan")) map.removeLayer("scan");
  if (map.getSource("scan")) map.removeSource("scan");
  const hasScan = version && version.source_kind === "scan";
  document.getElementById("scan-control").hidden = !hasScan;
  if (!hasScan) return;
  map.addSource("scan", { type: "raster", tileSize: 256, tiles: [`/scans/${version.plan_version_id}/tiles/{z}/{x}/{y}.png`] });
  const opacity = Number(document.getElementById("scan-opacity").value);
  map.addLayer({ id: "scan", type: "raster", source: "scan", paint: { "raster-opacity": opacity } }, "zones-fill");
}

async function chooseVersion(map, value) {
  state.version = value;
  const version = state.versions.find((v) => String(v.plan_version_id) === value);
  map.getSource("zones").setUrl(`/tiles/zones.json${versionQuery()}`);
  showScan(map, version);
  state.report = value ? await getJSON(`/plans/versions/${value}`) : null;
  renderReport();
  state.legend = await getJSON(`/legend.json${versionQuery()}`);
  renderLegend();
  colourZones(map);
  const tilejson = await getJSON(`/tiles/zones.json${versionQuery()}`);
  const [w, s, e, n] = tilejson.bounds;
  map.fitBounds([[w, s], [e, n]], { padding: 20, duration: 0 });
}

function swatch(color) {
  const box = document.createElement("span");
  box.className = "swatch";
  box.style.background = color;
  return box;
}

function renderLegend() {
  const list = document.getElementById("legend");
  list.replaceChildren(...state.legend.map((entry) => {
    const item = document.createElement("li");
    item.append(swatch(entry.fill), `${entry.code} — ${entry.name[state.lang]}`);
    return item;
  }));
}

function ruleList(rules) {
  if (!rules) return null;
  const list = document.createElement("ul");
  list.className = "zone-rules";
  Object.entries(RULE_NAMES).forEach(([key, name]) => {
    if (rules[key] === undefined) return;
    const value = name.percent ? `${formatNumber(rules[key] * 100)}٪` : formatNumber(rules[key]);
    list.append(Object.assign(document.createElement("li"), { textContent: `${name[state.lang]}: ${value}` }));
  });
  const uses = (rules.uses && rules.uses.permitted) || [];
  if (uses.length) {
    const label = state.lang === "ar" ? "الاستعمالات المسموحة" : "Permitted uses";
    list.append(Object.assign(document.createElement("li"), { textContent: `${label}: ${uses.map((u) => t(u) || u).join(state.lang === "ar" ? "، " : ", ")}` }));
  }
  return list;
}

function renderParcel() {
  const section = document.getElementById("parcel");
  const parcel = state.parcel;
  section.hidden = !parcel;
  if (!parcel) return;
  document.getElementById("parcel-number").textContent = parcel.number;
  document.getElementById("parcel-area").textContent = `${formatNumber(parcel.area_m2)} ${t("m2")}`;
  const zones = parcel.zones.map((zone) => {
    const item = document.createElement("li");
    item.append(swatch(zone.color), `${zone.zone_code} — ${zone.name[state.lang]} (${formatNumber(zone.share * 100)}٪)`);
    const rules = ruleList(zone.rules);
    return rules ? [item, rules] : [item];
  }).flat();
  if (!zones.length) zones.push(Object.assign(document.createElement("li"), { textContent: t("none") }));
  document.getElementById("parcel-zones").replaceChildren(...zones);
}

function numberOrNull(id) {
  const value = document.getElementById(id).value;
  return value === "" ? null : Number(value);
}

function renderCheck() {
  const box = document.getElementById("check-result");
  const answer = state.check;
  document.getElementById("footprint-state").textContent = state.footprint ? t("drawn") : "";
  box.hidden = !answer;
  if (!answer) return;
  const verdict = document.getElementById("check-verdict");
  verdict.textContent = t(answer.verdict);
  verdict.className = `verdict-${answer.verdict}`;
  document.getElementById("check-reference").textContent = answer.reference;
  document.getElementById("check-rules").replaceChildren(...answer.rules.map((rule) => {
    const item = document.createElement("li");
    item.className = rule.status;
    item.textContent = rule.explanation[state.lang];
    return item;
  }));
}

function footprintSource(map) { return map.getSource("check-shapes"); }

function showShapes(map) {
  const features = [];
  if (state.check) features.push({ type: "Feature", properties: { kind: "envelope" }, geometry: state.check.envelope });
  if (state.footprint) features.push({ type: "Feature", properties: { kind: "footprint" }, geometry: state.footprint });
  footprintSource(map).setData({ type: "FeatureCollection", features });
}

function addCheckLayers(map) {
  map.addSource("check-shapes", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
  map.addLayer({ id: "envelope-line", type: "line", source: "check-shapes", filter: ["==", ["get", "kind"], "envelope"],
    paint: { "line-color": "#1565c0", "line-width": 2, "line-dasharray": [2, 1] } });
  map.addLayer({ id: "footprint-fill", type: "fill", source: "check-shapes", filter: ["==", ["get", "kind"], "footprint"],
    paint: { "fill-color": "#6a1b9a", "fill-opacity": 0.4 } });
}

function rectangle(a, b) {
  const [x0, x1] = [Math.min(a.lng, b.lng), Math.max(a.lng, b.lng)];
  const [y0, y1] = [Math.min(a.lat, b.lat), Math.max(a.lat, b.lat)];
  return { type: "Polygon", coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] };
}

function drawClick(map, event) {
  if (!state.drawing) return false;
  if (state.drawing === "first") {
    state.drawing = event.lngLat;
    document.getElementById("footprint-state").textContent = t("corner");
    return true;
  }
  state.footprint = rectangle(state.drawing, event.lngLat);
  state.drawing = null;
  map.doubleClickZoom.enable();
  showShapes(map);
  renderCheck();
  return true;
}

async function submitCheck(map) {
  if (!state.parcel) return;
  const body = {
    parcel: state.parcel.number, use: document.getElementById("check-use").value,
    floors: numberOrNull("check-floors"), height_m: numberOrNull("check-height"),
    gfa_m2: numberOrNull("check-gfa"), footprint: state.footprint,
  };
  const response = await fetch("/permits/check", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.detail || response.status);
  state.check = answer;
  showShapes(map);
  renderCheck();
}

async function printExtract() {
  if (!state.parcel) return;
  const response = await fetch("/extracts", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ parcel: state.parcel.number, lang: "ar+en", format: "pdf" }),
  });
  if (!response.ok) throw new Error((await response.json()).detail || response.status);
  const reference = response.headers.get("X-Reference");
  const link = document.getElementById("extract-link");
  link.href = URL.createObjectURL(await response.blob());
  link.download = `${reference}.pdf`;
  link.textContent = `${t("extract")} ${reference}`;
  link.hidden = false;
  link.click();
}

async function getJSON(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function addSelectionLayer(map) {
  map.addLayer({
    id: "parcels-selected", type: "line", source: "parcels", "source-layer": "parcels",
    filter: ["==", ["id"], -1], paint: { "line-color": "#d62828", "line-width": 3 },
  });
}

async function selectParcel(map, feature) {
  const id = feature.id;  // the tile's feature id is the parcel's database id
  map.setFilter("parcels-selected", ["==", ["id"], id]);
  state.parcel = await getJSON(`/parcels/${id}/zoning${versionQuery()}`);
  state.check = null;
  state.footprint = null;
  document.getElementById("extract-link").hidden = true;
  showShapes(map);
  renderParcel();
  renderCheck();
}

function bindControls(map) {
  document.getElementById("lang").addEventListener("click", () => {
    state.lang = state.lang === "ar" ? "en" : "ar";
    applyLanguage();
  });
  const toggle = (checkbox, layers) => checkbox.addEventListener("change", () => {
    layers.forEach((layer) => map.setLayoutProperty(layer, "visibility", checkbox.checked ? "visible" : "none"));
  });
  toggle(document.getElementById("show-zones"), ["zones-fill", "zones-line"]);
  toggle(document.getElementById("show-parcels"), ["parcels-fill", "parcels-line", "parcels-selected"]);
  document.getElementById("version").addEventListener("change", (event) => {
    chooseVersion(map, event.target.value).catch((error) => { document.body.dataset.error = String(error); });
  });
  document.getElementById("scan-opacity").addEventListener("input", (event) => {
    if (map.getLayer("scan")) map.setPaintProperty("scan", "raster-opacity", Number(event.target.value));
  });
  document.getElementById("print-extract").addEventListener("click", () => {
    printExtract().catch((error) => { document.body.dataset.error = String(error); });
  });
  document.getElementById("draw-footprint").addEventListener("click", () => {
    state.drawing = "first";
    state.footprint = null;
    map.doubleClickZoom.disable();  // two quick clicks draw a rectangle, they must not zoom
    showShapes(map);
  });
  document.getElementById("check-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitCheck(map).catch((error) => { document.body.dataset.error = String(error); });
  });
  document.getElementById("zones-opacity").addEventListener("input", (event) => {
    map.setPaintProperty("zones-fill", "fill-opacity", Number(event.target.value));
  });
}

async function start() {
  maplibregl.setRTLTextPlugin("/static/vendor/rtl-text/mapbox-gl-rtl-text.js", true);
  const [tilejson, legend, versions] = await Promise.all([
    getJSON("/tiles/zones.json"), getJSON("/legend.json"), getJSON("/plans"),
  ]);
  state.legend = legend;
  state.versions = versions;
  const [w, s, e, n] = tilejson.bounds;
  const map = new maplibregl.Map({ container: "map", style: "/style.json", bounds: [[w, s], [e, n]], fitBoundsOptions: { padding: 20 } });
  map.addControl(new maplibregl.NavigationControl(), "top-left");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  window.mukhattat = { map, state };
  map.on("load", () => {
    addSelectionLayer(map);
    addCheckLayers(map);
    bindControls(map);
    map.on("click", (event) => {
      if (drawClick(map, event)) return;
      const [hit] = map.queryRenderedFeatures(event.point, { layers: ["parcels-fill"] });
      if (hit) { selectParcel(map, hit); return; }
      map.setFilter("parcels-selected", ["==", ["id"], -1]);
      state.parcel = null;
      renderParcel();
    });
    map.once("idle", () => { document.body.dataset.ready = "1"; });
  });
  applyLanguage();
}

start().catch((error) => {
  document.body.dataset.error = String(error);
  console.error(error);
});
