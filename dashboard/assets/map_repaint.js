/* Repainting a map without giving MapLibre its boundaries again.

   On every update plotly.js hands each choroplethmap trace's MapLibre source a new
   GeoJSON (source.setData). MapLibre then copies the whole collection to its worker,
   cuts it into tiles again and triangulates every polygon: nearly all of a repaint's
   time on a ward map, although only the colours have changed. plotly.js builds that
   collection from the boundary file it fetched once, keeping each area's geometry object,
   in the file's order: so when a trace's new collection has the very same geometry
   objects in the same order as the last one, its areas are the same and only their
   properties can differ (plotly.js's fill colour "fc", line colour "mlc", line width
   "mlw", opacities "mo"/"mo2").

   So, for every map plotly.js makes: each area of a trace's source gets a number as its
   MapLibre feature id (its place in the collection); a new collection with the same
   areas is given to MapLibre as feature state (map.setFeatureState), which it applies to
   the tiles it already has; and the layers read each property from the feature state
   where there is one, else from the feature itself. A collection with other areas goes
   to MapLibre whole, as before, and clears the feature state. Hover, clicks and the
   picture download are plotly.js's own and unchanged: plotly.js still computes every
   update in full; only MapLibre's copy of unchanged boundaries is spared.

   Two more savings on the same sources: a trace whose areas are all filled with a clear
   colour (the outline traces) has its fill layer hidden, so MapLibre neither
   triangulates nor draws it; and each tile carries a smaller margin of geometry from
   beyond its edges (BUFFER).

   plotly.js's own functions cannot be replaced, so the page's `Plotly` is a copy whose
   newPlot and react note each map as soon as plotly.js has made it, before it has any
   source (plotly.js is deferred and runs after this file: the copy is made when it sets
   window.Plotly). */
(function () {
  "use strict";
  var STATED = ["fc", "mlc", "mlw", "mo", "mo2"];
  // Each tile's margin of boundaries from beyond its edges, in pixels of a 512-pixel tile
  // (MapLibre's default is 128): enough for the widest line drawn (7 px), and a quarter
  // of the geometry to cut, triangulate and draw twice along every tile edge.
  var BUFFER = 32;
  var COLOURS = {"fill-color": true, "line-color": true};

  function isCollection(data) {
    return !!data && data.type === "FeatureCollection" && Array.isArray(data.features);
  }

  // What a feature's layers read from its properties (see STATED).
  function stateOf(feature) {
    var state = {}, properties = feature.properties || {};
    STATED.forEach(function (p) { if (p in properties) { state[p] = properties[p]; } });
    return state;
  }

  // What MapLibre has of a collection: each area's geometry object and the values its
  // layers read, in order.
  function remembered(data) {
    return {
      geometries: data.features.map(function (f) { return f.geometry; }),
      states: data.features.map(stateOf)
    };
  }

  function sameAreas(known, features) {
    if (!known || known.length !== features.length) { return false; }
    for (var i = 0; i < features.length; i++) {
      if (features[i].geometry !== known[i]) { return false; }
    }
    return true;
  }

  // The collection with each area numbered by its place from 1 (MapLibre keeps only
  // numeric feature ids; plotly.js's are the area codes).
  function numbered(data) {
    return Object.assign({}, data, {
      features: data.features.map(function (f, i) {
        return {type: "Feature", id: i + 1, geometry: f.geometry, properties: f.properties};
      })
    });
  }

  // Whether every area of a collection is filled with a clear colour (alpha 0): an
  // outline-only trace, whose fill layer then draws nothing.
  var CLEAR = /^rgba\([^)]*,\s*0(\.0*)?\)$/;
  function allClear(features) {
    return features.length > 0 && features.every(function (f) {
      var fc = f.properties && f.properties.fc;
      return typeof fc === "string" && CLEAR.test(fc);
    });
  }

  // A paint value that reads a feature's property reads its feature state first.
  function stated(name, value) {
    var property = null;
    if (value && value.type === "identity" && typeof value.property === "string") {
      property = value.property;
    } else if (Array.isArray(value) && value[0] === "get" && value.length === 2) {
      property = value[1];
    }
    if (STATED.indexOf(property) < 0) { return value; }
    var read = ["coalesce", ["feature-state", property], ["get", property]];
    return COLOURS[name] ? ["to-color", read] : ["to-number", read];
  }

  function statedPaint(paint) {
    var out = {};
    Object.keys(paint || {}).forEach(function (name) { out[name] = stated(name, paint[name]); });
    return out;
  }

  function keep(map) {
    if (!map || map.__wecRepaint) { return; }
    // How each source's data went to MapLibre: as feature state, or whole.
    var counts = map.__wecRepaint = {state: 0, whole: 0};
    var known = {};  // source id -> what MapLibre has of it (remembered)
    var clear = {};  // source id -> whether its fill draws nothing (allClear)
    var fills = {};  // source id -> its fill layers' ids

    // A fill that draws nothing is hidden, so MapLibre neither triangulates its areas
    // in every tile nor draws them; shown again if its areas get a colour.
    var setLayoutProperty = map.setLayoutProperty;
    function noteClear(id, isClear) {
      if (!!clear[id] === isClear) { return; }
      clear[id] = isClear;
      (fills[id] || []).forEach(function (layerId) {
        setLayoutProperty.call(map, layerId, "visibility", isClear ? "none" : "visible");
      });
    }

    function keepSource(id, source) {
      var setData = source.setData;
      source.setData = function (data) {
        var before = known[id];
        if (isCollection(data) && before && sameAreas(before.geometries, data.features)) {
          data.features.forEach(function (f, i) {
            var state = stateOf(f), last = before.states[i], changed = null;
            Object.keys(state).forEach(function (p) {
              if (state[p] !== last[p]) { changed = changed || {}; changed[p] = state[p]; }
            });
            if (changed) {  // MapLibre redraws only the areas whose state changed
              map.setFeatureState({source: id, id: i + 1}, changed);
              Object.assign(last, changed);
            }
          });
          noteClear(id, allClear(data.features));
          counts.state += 1;
          return this;
        }
        if (!isCollection(data)) {
          delete known[id];
          return setData.apply(this, arguments);
        }
        known[id] = remembered(data);
        map.removeFeatureState({source: id});
        counts.whole += 1;
        noteClear(id, allClear(data.features));
        return setData.call(this, numbered(data));
      };
    }

    // Sources made before this map was noted: their next data goes whole, numbered.
    var style = null;
    try { style = map.getStyle(); } catch (e) { style = null; }
    Object.keys((style && style.sources) || {}).forEach(function (id) {
      var source = map.getSource(id);
      if (source && source.type === "geojson") { keepSource(id, source); }
    });

    var addSource = map.addSource;
    map.addSource = function (id, spec) {
      var ours = spec && spec.type === "geojson" && isCollection(spec.data);
      if (ours) {
        known[id] = remembered(spec.data);
        clear[id] = allClear(spec.data.features);
        spec = Object.assign({}, spec, {data: numbered(spec.data), buffer: BUFFER});
      }
      var out = addSource.call(this, id, spec);
      var source = ours ? this.getSource(id) : null;
      if (source) { keepSource(id, source); } else { delete known[id]; }
      return out;
    };
    var removeSource = map.removeSource;
    map.removeSource = function (id) {
      delete known[id];
      delete clear[id];
      return removeSource.apply(this, arguments);
    };
    var addLayer = map.addLayer;
    map.addLayer = function (layer) {
      var args = Array.prototype.slice.call(arguments);
      if (layer && known[layer.source]) {
        var changed = {paint: statedPaint(layer.paint)};
        if (layer.type === "fill") {
          fills[layer.source] = (fills[layer.source] || []).concat([layer.id]);
          if (clear[layer.source]) {
            changed.layout = Object.assign({}, layer.layout, {visibility: "none"});
          }
        }
        args[0] = Object.assign({}, layer, changed);
      }
      return addLayer.apply(this, args);
    };
    var removeLayer = map.removeLayer;
    map.removeLayer = function (layerId) {
      Object.keys(fills).forEach(function (id) {
        fills[id] = fills[id].filter(function (f) { return f !== layerId; });
      });
      return removeLayer.apply(this, arguments);
    };
    map.setLayoutProperty = function (layerId, name, value) {
      var args = Array.prototype.slice.call(arguments);
      var layer = this.getLayer(layerId);
      if (name === "visibility" && value === "visible" && layer && layer.type === "fill" &&
          clear[layer.source]) {
        args[2] = "none";
      }
      return setLayoutProperty.apply(this, args);
    };
    var setPaintProperty = map.setPaintProperty;
    map.setPaintProperty = function (layerId, name, value) {
      var args = Array.prototype.slice.call(arguments);
      var layer = this.getLayer(layerId);
      if (layer && known[layer.source]) { args[2] = stated(name, value); }
      return setPaintProperty.apply(this, args);
    };
  }

  // Every map of graph element GD, as soon as plotly.js has made it.
  function keepMaps(gd) {
    var layout = gd && gd._fullLayout;
    Object.keys(layout || {}).forEach(function (key) {
      var subplot = key.indexOf("map") === 0 && layout[key] && layout[key]._subplot;
      if (subplot && subplot.map) { keep(subplot.map); }
    });
  }

  // plotly.js with its newPlot and react noting the maps they make. Its own object's
  // functions cannot be replaced (its exports are read-only), so the page gets a copy.
  function wrapped(Plotly) {
    if (!Plotly || typeof Plotly.react !== "function" || Plotly.__wecRepaint) { return Plotly; }
    var out = Object.assign({}, Plotly, {__wecRepaint: true});
    ["newPlot", "react"].forEach(function (name) {
      var real = Plotly[name];
      out[name] = function (gd) {
        var done = real.apply(this, arguments);
        try {
          var el = typeof gd === "string" ? document.getElementById(gd) : gd;
          keepMaps(el);  // plotly.js makes a map at once, and its sources once it has loaded
          Promise.resolve(done).then(function () { keepMaps(el); }, function () {});
        } catch (e) { /* the map then repaints as plotly.js does */ }
        return done;
      };
    });
    return out;
  }

  if (window.Plotly) {
    window.Plotly = wrapped(window.Plotly);
  } else {
    var plotly;
    Object.defineProperty(window, "Plotly", {
      configurable: true,
      enumerable: true,
      get: function () { return plotly; },
      set: function (value) { plotly = wrapped(value); }
    });
  }
})();
