// Mukhattat web viewer: zones and parcels from this server's vector tiles, bilingual, RTL-aware.
"use strict";

const STRINGS = {
  ar: {
    title: "مخطط", layers: "الطبقات", zones: "المناطق", parcels: "قطع الأراضي",
    opacity: "شفافية المناطق", legend: "مفتاح الخريطة", parcel: "قطعة الأرض", number: "الرقم",
    area: "المساحة", zoning: "التنظيم", hint: "انقر على قطعة أرض لعرض تنظيمها.",
    other: "English", m2: "م²", none: "لا توجد منطقة في المخطط النافذ",
  },
  en: {
    title: "Mukhattat", layers: "Layers", zones: "Zones", parcels: "Parcels",
    opacity: "Zone opacity", legend: "Legend", parcel: "Parcel", number: "Number",
    area: "Area", zoning: "Zoning", hint: "Click a parcel to see its zoning.",
    other: "العربية", m2: "m²", none: "No zone of the plan in force",
  },
};

const state = { lang: "ar", legend: [], parcel: null };

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
    return item;
  });
  if (!zones.length) zones.push(Object.assign(document.createElement("li"), { textContent: t("none") }));
  document.getElementById("parcel-zones").replaceChildren(...zones);
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
  state.parcel = await getJSON(`/parcels/${id}/zoning`);
  renderParcel();
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
  document.getElementById("zones-opacity").addEventListener("input", (event) => {
    map.setPaintProperty("zones-fill", "fill-opacity", Number(event.target.value));
  });
}

async function start() {
  maplibregl.setRTLTextPlugin("/static/vendor/rtl-text/mapbox-gl-rtl-text.js", true);
  const [tilejson, legend] = await Promise.all([getJSON("/tiles/zones.json"), getJSON("/legend.json")]);
  state.legend = legend;
  const [w, s, e, n] = tilejson.bounds;
  const map = new maplibregl.Map({ container: "map", style: "/style.json", bounds: [[w, s], [e, n]], fitBoundsOptions: { padding: 20 } });
  map.addControl(new maplibregl.NavigationControl(), "top-left");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  window.mukhattat = { map, state };
  map.on("load", () => {
    addSelectionLayer(map);
    bindControls(map);
    map.on("click", (event) => {
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
