// The area map. Its settings and labels come from the page's JSON block (the CSP
// allows no inline script); each layer is a GeoJSON endpoint of the same site,
// fetched when the layer is first switched on. Base tiles only when configured.
(function () {
  "use strict";

  var config, labels;
  var GAP_COLOUR = "#d73027";
  var BOUNDARY_WEIGHT = { city: 3.5, street: 3, community: 2, grid: 1 };

  // --- popups: built as DOM nodes, so no text from the data is read as HTML ---
  function popup(title, lines, link) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var head = document.createElement("strong");
    head.textContent = title;
    box.appendChild(head);
    lines.forEach(function (line) {
      if (!line) return;
      var p = document.createElement("p");
      p.textContent = line.text || line;
      if (line.className) p.className = line.className;
      box.appendChild(p);
    });
    if (link) {
      var a = document.createElement("a");
      a.href = link.url;
      a.textContent = link.text;
      box.appendChild(a);
    }
    return box;
  }

  function dot(latlng, className, style) {
    return L.circleMarker(latlng, Object.assign({ className: className, pane: "points" }, style));
  }

  // --- one builder per layer: GeoJSON in, Leaflet layer out ---
  var builders = {
    boundaries: function (data) {
      return L.geoJSON(data, {
        pane: "boundaries",
        style: function (f) {
          var grid = f.properties.level === "grid";
          return {
            className: "map-boundary map-boundary-" + f.properties.level,
            color: f.properties.self ? "#a8232a" : "#1a56a0",
            weight: BOUNDARY_WEIGHT[f.properties.level] || 1, dashArray: grid ? null : "6 4",
            fill: grid, fillOpacity: 0.05,
          };
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          layer.bindPopup(popup(p.name, [p.level_name + " · " + p.code],
                                p.self ? null : { url: p.url, text: labels.open_map }));
        },
      });
    },

    cases: function (data) {
      return L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          return dot(latlng, "map-case", { radius: 7, color: "#fff", weight: 1.5, fillColor: f.properties.colour,
                                           fillOpacity: 0.95 });
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          layer.bindPopup(popup(p.number + " " + p.title, [
            p.category_name, p.status_name,
            p.overdue ? { text: labels.overdue, className: "overdue" } : null,
            p.located === "building" ? labels.located_building : p.located === "grid" ? labels.located_grid : null,
          ], { url: p.url, text: labels.open_case }));
        },
      });
    },

    heat: function (data) {
      var points = data.features.map(function (f) {
        return [f.geometry.coordinates[1], f.geometry.coordinates[0], 1];
      });
      return L.heatLayer(points, { radius: 22, blur: 18, maxZoom: 17, minOpacity: 0.3 });
    },

    buildings: function (data) {
      return L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          return dot(latlng, "map-building map-band-" + f.properties.band,
                     { radius: 5, stroke: false, fillColor: f.properties.colour, fillOpacity: 0.9 });
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          var age = p.age_days === null ? p.band_name
            : labels.last_visit + " " + p.last_visit + "（" + p.age_days + " " + labels.days_ago + "）";
          layer.bindPopup(popup(p.name, [age]));
        },
      });
    },

    points: function (data) {
      return L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          return dot(latlng, "map-point", { radius: 6, color: "#222", weight: 2, fillColor: f.properties.colour,
                                            fillOpacity: 1 });
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          layer.bindPopup(popup(p.name, [p.kind_name, p.address, p.opening_hours]));
        },
      });
    },

    gaps: function (data) {
      return L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          if (f.properties.role === "reach") {
            return L.circle(latlng, { radius: f.properties.radius_m, className: "map-reach", pane: "boundaries",
                                      color: "#555", weight: 1, dashArray: "4 4", fillOpacity: 0.04 });
          }
          return dot(latlng, "map-gap", { radius: 8, color: GAP_COLOUR, weight: 3, fill: false });
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          layer.bindPopup(p.role === "reach"
            ? popup(p.name, [labels.reach + " " + Math.round(p.radius_m) + " " + labels.metres])
            : popup(p.name, [labels.gap + "：" + data.kind_name, p.households + " " + labels.households]));
        },
      });
    },
  };

  function show(key, data) {
    document.querySelectorAll('[data-count="' + key + '"]').forEach(function (el) { el.textContent = data.count; });
    document.querySelectorAll('[data-unlocated="' + key + '"]').forEach(function (el) {
      el.querySelector("output").textContent = data.unlocated;
      el.hidden = !data.unlocated;
    });
  }

  function start() {
    var source = document.getElementById("map-config");
    var element = document.getElementById("map");
    if (!source || !element || typeof L === "undefined") return;
    config = JSON.parse(source.textContent);
    labels = config.labels;

    var map = L.map(element, { maxZoom: 19, minZoom: 3, zoomSnap: 0.5 });
    map.setView(config.centre || [35, 105], config.centre ? 15 : 4);
    // Boundaries under the heat layer (Leaflet's overlay pane, 400), points above it.
    map.createPane("boundaries").style.zIndex = 350;
    map.createPane("points").style.zIndex = 420;
    if (config.tiles) {
      L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 19 }).addTo(map);
    }

    // On a phone the layer switcher folds into its button; on a wider screen it stays open.
    var control = L.control.layers(null, null, { collapsed: window.innerWidth < 640 }).addTo(map);
    var loaded = [];
    var fitted = false;

    function fit(layer) {
      if (fitted || !layer.getBounds) return;
      var bounds = layer.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [12, 12], maxZoom: 17, animate: false });
        fitted = true;
      }
    }

    function load(spec, group) {
      if (group.requested) return Promise.resolve();
      group.requested = true;
      return fetch(spec.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(spec.url + ": " + response.status);
          return response.json();
        })
        .then(function (data) {
          var layer = builders[spec.key](data);
          group.addLayer(layer);
          show(spec.key, data);
          if (spec.key === "boundaries") fit(layer);
          loaded.push(spec.key);
          element.dataset.loaded = loaded.join(" ");
          return layer;
        })
        .catch(function (error) {
          group.requested = false; // switching the layer on again tries again
          console.error(error);
        });
    }

    var first = [];
    config.layers.forEach(function (spec) {
      var group = L.layerGroup();
      control.addOverlay(group, spec.name);
      group.on("add", function () { load(spec, group); });
      if (spec.on) {
        first.push(load(spec, group));
        group.addTo(map);
      }
    });
    // Without any boundary to frame the map, frame the first points that came.
    Promise.all(first).then(function (layers) {
      layers.forEach(function (layer) { if (layer) fit(layer); });
      document.documentElement.dataset.mapReady = "true";
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
