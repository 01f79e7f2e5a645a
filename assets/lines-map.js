// The county lines map and graph. Both read the figures the page already shows as tables (a JSON
// block written by the server), and load nothing from the internet: the outline of the United
// Kingdom is packaged with the app, and there is no tile layer.
(function () {
  "use strict";
  var block = document.getElementById("lines-network-data");
  if (!block) return;
  var data = JSON.parse(block.textContent);
  var towns = {};
  data.towns.forEach(function (t) { towns[t.name] = t; });
  var maxLines = data.flows.reduce(function (m, f) { return Math.max(m, f.lines); }, 1);

  // A flow is drawn as a curve bowing to its left, so A->B and B->A stay apart.
  function curve(a, b) {
    var mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    var ctrl = [mid[0] + (b[1] - a[1]) * 0.2, mid[1] - (b[0] - a[0]) * 0.2];
    var points = [];
    for (var i = 0; i <= 24; i++) {
      var t = i / 24, u = 1 - t;
      points.push([u * u * a[0] + 2 * u * t * ctrl[0] + t * t * b[0],
                   u * u * a[1] + 2 * u * t * ctrl[1] + t * t * b[1]]);
    }
    return points;
  }

  var mapBox = document.getElementById("lines-map");
  if (mapBox && window.L) {
    var map = L.map(mapBox, { attributionControl: true, zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    fetch(mapBox.dataset.outline).then(function (r) { return r.json(); }).then(function (uk) {
      L.geoJSON(uk, { style: { color: "#505a5f", weight: 1, fillColor: "#f3f2f1", fillOpacity: 1 },
                     attribution: "Outline: Natural Earth (public domain), via world-atlas" }).addTo(map);
    });
    var bounds = [];
    data.flows.forEach(function (f) {
      var a = towns[f.from], b = towns[f.to];
      if (!a || !b) return;
      L.polyline(curve([a.lat, a.lon], [b.lat, b.lon]), {
        color: "#1d70b8", opacity: 0.75, weight: 1 + 7 * Math.sqrt(f.lines / maxLines),
      }).bindTooltip(f.from + " to " + f.to + ": " + f.lines + " line" + (f.lines === 1 ? "" : "s")).addTo(map);
    });
    data.towns.forEach(function (t) {
      bounds.push([t.lat, t.lon]);
      L.circleMarker([t.lat, t.lon], {
        radius: 3 + Math.sqrt(t.in + t.out), color: t.hub ? "#d4351c" : "#0b0c0c", weight: t.hub ? 3 : 1,
        fillColor: "#ffffff", fillOpacity: 1,
      }).bindTooltip(t.name + ": receives " + t.in + ", sends " + t.out + (t.hub ? " (hub)" : "")).addTo(map);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
    else map.setView([52.3, 0.5], 7);
  }

  var graphBox = document.getElementById("lines-graph");
  if (graphBox && window.cytoscape) {
    var elements = data.towns.map(function (t) {
      return { data: { id: t.name, label: t.name, size: 12 + 4 * Math.sqrt(t.in + t.out), hub: t.hub ? 1 : 0 } };
    }).concat(data.flows.map(function (f, i) {
      return { data: { id: "f" + i, source: f.from, target: f.to, width: 1 + 6 * Math.sqrt(f.lines / maxLines) } };
    }));
    cytoscape({
      container: graphBox, elements: elements, autoungrabify: true,
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000 },
      style: [
        { selector: "node", style: { label: "data(label)", width: "data(size)", height: "data(size)",
          "background-color": "#1d70b8", "font-size": 11, color: "#0b0c0c" } },
        { selector: "node[hub = 1]", style: { "background-color": "#d4351c" } },
        { selector: "edge", style: { width: "data(width)", "line-color": "#6f777b", "curve-style": "bezier",
          "target-arrow-shape": "triangle", "target-arrow-color": "#6f777b" } },
      ],
    });
  }
})();
