/* Map drawing functions that dash-leaflet resolves by name ({"variable": "cockpitMap.x"}).
   Text from data is always set as textContent: no feature property is ever parsed as HTML. */
window.cockpitMap = (function () {
  var ROAD_WEIGHT = {motorway: 4, trunk: 4, primary: 3.5, secondary: 3, tertiary: 2.5,
                     residential: 1.6, unclassified: 1.6, living_street: 1.2, service: 1};
  var VOCAB = window.cockpitVocab || {severity: {}, status: {}};  /* /vocab.js, from cockpit/vocab.py */
  var STATUS_COLOR = VOCAB.status;
  var DEVICE_COLOR = {air_quality: "#36cfc9", water_level: "#1890ff", manhole_tilt: "#faad14",
                      street_lamp: "#fadb14", noise: "#b37feb", camera: "#5cdbd3",
                      water_meter: "#69c0ff", power_meter: "#ffc53d", gas_meter: "#ff7a45",
                      settlement: "#d3adf7", inclinometer: "#ffadd2", crack_meter: "#ff9c6e",
                      strain_gauge: "#87e8de", vibration: "#adc6ff"};

  function textTooltip(layer, text) {
    if (text === undefined || text === null || text === "") { return; }
    var span = document.createElement("span");
    span.textContent = String(text);
    layer.bindTooltip(span, {direction: "top", sticky: true, className: "cockpit-tooltip"});
  }

  return {
    /* drill-down areas: redder the more problems (score against the worst area on screen) */
    area: function (feature, context) {
      var p = feature.properties || {};
      var top = (context && context.hideout && context.hideout.max) || 0;
      var share = top ? p.score / top : 0;
      return {color: "#00d2ff", weight: 1.6, dashArray: p.generated ? "5 4" : null,
              fillColor: share ? "#ff4d4f" : "#00d2ff", fillOpacity: share ? 0.12 + 0.45 * share : 0.04};
    },
    point: function (feature, latlng, context) {
      var h = (context && context.hideout) || {};
      var p = feature.properties || {};
      return L.circleMarker(latlng, {
        radius: h.radius || 4, weight: h.weight === undefined ? 1 : h.weight,
        color: h.stroke || "#0a1628", fillColor: p.color || h.color || "#00d2ff",
        fillOpacity: h.opacity || 0.9
      });
    },
    device: function (feature, latlng) {
      var p = feature.properties || {};
      return L.circleMarker(latlng, {
        radius: 5, weight: 1, color: p.online ? "#0a1628" : "#8c8c8c",
        fillColor: p.online ? (DEVICE_COLOR[p.type] || "#00d2ff") : "#595959", fillOpacity: 0.95
      });
    },
    cluster: function (feature, latlng, index, context) {
      var count = feature.properties.point_count;
      var size = count < 100 ? 30 : (count < 1000 ? 38 : 46);
      var div = document.createElement("div");
      div.className = "cockpit-cluster" + (count < 100 ? " small" : (count < 1000 ? " medium" : " large"));
      var span = document.createElement("span");
      span.textContent = feature.properties.point_count_abbreviated;
      div.appendChild(span);
      return L.marker(latlng, {icon: L.divIcon({html: div, className: "", iconSize: L.point(size, size)})});
    },
    status: function (feature, latlng) {
      var p = feature.properties || {};
      return L.circleMarker(latlng, {
        radius: p.status === "alarm" ? 7 : 5, weight: p.status === "alarm" ? 2 : 1,
        color: p.status === "alarm" ? "#ffffff" : "#0a1628",
        fillColor: STATUS_COLOR[p.status] || "#00d2ff", fillOpacity: 0.95
      });
    },
    statusCluster: function (feature, latlng, index) {
      /* a cluster shows its count and turns red when any device in it is in alarm */
      var count = feature.properties.point_count;
      var leaves = index.getLeaves(feature.properties.cluster_id, 2000);
      var alarms = 0;
      for (var i = 0; i < leaves.length; i++) { if (leaves[i].properties.status === "alarm") { alarms++; } }
      var size = count < 100 ? 30 : (count < 1000 ? 38 : 46);
      var div = document.createElement("div");
      div.className = "cockpit-cluster " + (alarms ? "alarm" : "ok");
      var span = document.createElement("span");
      span.textContent = alarms ? feature.properties.point_count_abbreviated + " · " + alarms + "!" :
        feature.properties.point_count_abbreviated;
      div.appendChild(span);
      return L.marker(latlng, {icon: L.divIcon({html: div, className: "", iconSize: L.point(size + (alarms ? 16 : 0), size)})});
    },
    /* the plans: a zone filled in its use's colour, red-line zones outlined; patches bright over them */
    planZone: function (feature) {
      var p = feature.properties || {};
      var line = p.layer === "red_line";
      return {color: line ? "#ff4d4f" : p.colour, weight: line ? 2 : 0.6, dashArray: line ? "6 4" : null,
              fillColor: p.colour, fillOpacity: line ? 0.05 : 0.28};
    },
    planSite: function () {
      return {color: "#ffc400", weight: 3, dashArray: "8 4", fillColor: "#ffc400", fillOpacity: 0.08};
    },
    planBuilding: function () {
      return {color: "#aab4c4", weight: 0.6, fillColor: "#aab4c4", fillOpacity: 0.35};
    },
    planPatch: function (feature, context) {
      var p = feature.properties || {};
      var done = p.status === "settled";
      var picked = context && context.hideout && context.hideout.selected === p.id;
      return {color: picked ? "#ffffff" : (done ? "#8c8c8c" : p.colour), weight: picked ? 4 : 1.6,
              fillColor: p.colour, fillOpacity: done ? 0.1 : 0.55};
    },
    road: function (feature) {
      var kind = (feature.properties || {}).kind;
      var major = ["motorway", "trunk", "primary", "secondary"].indexOf(kind) >= 0;
      return {color: major ? "#7f93b0" : "#4a5a72", weight: ROAD_WEIGHT[kind] || 0.8, opacity: 0.9};
    },
    named: function (feature, layer) {
      var p = feature.properties || {};
      var label = p.name || p.code;
      if (p.aqi !== undefined && p.aqi !== null) { label = label + "  AQI " + p.aqi; }
      if (p.generated === true) { label = label + " · " + (document.documentElement.lang === "en" ? "generated" : "生成"); }
      textTooltip(layer, label);
    }
  };
})();
/* Emergency layers: incidents by level, units by status (the same colours as the lists). */
(function () {
  var LEVEL = (window.cockpitVocab || {severity: {}}).severity;  /* incident levels on the severity scale */
  var UNIT = {available: "#52c41a", dispatched: "#f5a623", en_route: "#00d2ff", on_scene: "#ff4d4f",
              returning: "#b37feb", out_of_service: "#595959", hospital: "#ffffff", supply_depot: "#d4b106"};
  window.cockpitMap.incident = function (feature, latlng) {
    var p = feature.properties || {};
    return L.circleMarker(latlng, {radius: p.selected ? 13 : 9, weight: p.selected ? 4 : 2, color: "#ffffff",
      fillColor: LEVEL[p.level] || "#ff4d4f", fillOpacity: p.status === "closed" ? 0.35 : 0.95});
  };
  window.cockpitMap.unit = function (feature, latlng) {
    var p = feature.properties || {};
    var color = p.kind === "hospital" ? UNIT.hospital : (UNIT[p.status] || "#8c8c8c");
    return L.circleMarker(latlng, {radius: p.match ? 6 : 4, weight: p.match ? 2 : 1,
      color: p.match ? "#f5a623" : "#0a1628", fillColor: color, fillOpacity: 0.95});
  };
})();
window.cockpitMap.coverage = function (feature) {
  var colours = {5: "#52c41a", 10: "#fadb14", 15: "#fa8c16"};
  var p = feature.properties || {};
  var c = colours[p.minutes] || "#fa8c16";
  return p.area ? {color: c, weight: 1, fillColor: c, fillOpacity: 0.08, opacity: 0.5}
                : {color: c, weight: 3, opacity: 0.85};
};
window.cockpitMap.case = function (feature, latlng) {
  var p = feature.properties || {};
  var colour = p.overdue ? "#ff4d4f" : ({1: "#fa8c16", 2: "#fadb14", 3: "#40a9ff"}[p.priority] || "#40a9ff");
  return L.circleMarker(latlng, {radius: 7, weight: 2, color: "#ffffff", fillColor: colour, fillOpacity: 0.9});
};
/* 卷帘 swipe on the planning map: the plans ticked show left of the line, the plan compared right of it. Leaflet
   moves its panes when the map pans, so the clip is measured again whenever the map pane moves. */
(function () {
  var swiped = {on: false, at: 50, watching: null};
  function clip() {
    var map = document.getElementById("plan-map");
    if (!map) { return; }
    var pane = map.querySelector(".leaflet-map-pane");
    var left = map.querySelector(".leaflet-plan-left-pane");
    var right = map.querySelector(".leaflet-plan-right-pane");
    if (!pane || !left || !right) { return; }
    if (!swiped.on) {
      left.style.clip = "";
      right.style.clip = "";
      return;
    }
    var box = map.getBoundingClientRect(), origin = pane.getBoundingClientRect();
    var dx = origin.left - box.left, dy = origin.top - box.top;
    var x = box.width * swiped.at / 100 - dx, top = -dy, bottom = box.height - dy;
    left.style.clip = "rect(" + top + "px, " + x + "px, " + bottom + "px, " + (-dx) + "px)";
    right.style.clip = "rect(" + top + "px, " + (box.width - dx) + "px, " + bottom + "px, " + x + "px)";
  }
  function watch() {
    var pane = document.querySelector("#plan-map .leaflet-map-pane");
    if (!pane || swiped.watching === pane) { return; }
    swiped.watching = pane;
    new MutationObserver(clip).observe(pane, {attributes: true, attributeFilter: ["style"]});
  }
  window.cockpitMap.swipe = function (on, at) {
    swiped.on = on;
    swiped.at = Number(at) || 50;
    watch();
    clip();
    var line = document.getElementById("plan-swipe-line");
    if (line) { line.style.left = swiped.at + "%"; }
    return on ? "plan-swipe-line" : "plan-swipe-line hidden";
  };
})();
/* Construction: project sites by stage, the selected design, homes by sunlight verdict, the design's shadows. */
window.cockpitMap.conSite = function (feature) {
  var p = feature.properties || {};
  return {color: p.selected ? "#ffffff" : p.colour, weight: p.selected ? 3 : 1.5, fillColor: p.colour, fillOpacity: 0.35};
};
window.cockpitMap.conDesign = function () {
  return {color: "#ffc400", weight: 2, fillColor: "#ffc400", fillOpacity: 0.55};
};
window.cockpitMap.conHome = function (feature) {
  var c = (feature.properties || {}).colour || "#8c8c8c";
  return {color: c, weight: 1, fillColor: c, fillOpacity: 0.6};
};
window.cockpitMap.conShadow = function () {
  return {color: "#1d2b44", weight: 0.5, fillColor: "#000000", fillOpacity: 0.12};
};
window.cockpitMap.conSensor = function (feature, latlng) {
  var p = feature.properties || {};
  return L.circleMarker(latlng, {radius: p.band === "normal" ? 4 : 7, weight: 1.5, color: "#0a1628",
    fillColor: p.colour || "#52c41a", fillOpacity: 0.95});
};
window.cockpitMap.conCorridor = function () {
  return {color: "#69c0ff", weight: 1, dashArray: "6 4", fillColor: "#69c0ff", fillOpacity: 0.08};
};
