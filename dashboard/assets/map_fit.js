/* Fitting a map to what it shows, in the browser, where the map's size is known (a
   phone's map is narrower than a laptop's, so no zoom chosen on the server fits both).

   window.dash_clientside.wec.fitMap(focus, elementId): a clientside callback
   (ClientsideFunction("wec", "fitMap")) whose output is the dcc.Graph's figure.
   `focus` is {url, codes, pad}: the boundary file the map draws (plotly has usually
   fetched it already), the area codes to fit (null: every area of the file) and a
   margin (1.05: 5% round them); or {bounds, pad}: the [west, south, east, north] of
   boundaries the figure carries itself (a borough's small areas), worked out on the
   server. `elementId` is the graph's id, passed in by the
   callback (State(graph, "id")) or else named in focus.element, never written here.
   It returns a Patch of the figure's map centre and zoom. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.wec = Object.assign({}, window.dash_clientside.wec, {
  fitMap: async function (focus, elementId) {
    "use strict";
    var dc = window.dash_clientside;
    if (!focus || !(focus.url || focus.bounds)) { return dc.no_update; }
    var boundsOfFile = async function () {
      var cachedByPlotly = function () {
        var geo = (window.PlotlyGeoAssets || {})[focus.url];
        return geo && geo.features ? geo : null;
      };
      var geo = cachedByPlotly();
      for (var i = 0; !geo && i < 40; i++) {  // plotly is usually fetching it right now
        await new Promise(function (resolve) { setTimeout(resolve, 50); });
        geo = cachedByPlotly();
      }
      if (!geo) {
        var response = await fetch(focus.url);
        if (!response.ok) { return null; }
        geo = await response.json();
      }
      var wanted = focus.codes ? new Set(focus.codes) : null;
      var box = [180, 90, -180, -90];
      var visit = function (c) {
        if (typeof c[0] === "number") {
          box = [Math.min(box[0], c[0]), Math.min(box[1], c[1]),
                 Math.max(box[2], c[0]), Math.max(box[3], c[1])];
        } else { c.forEach(visit); }
      };
      geo.features.forEach(function (f) {
        if (!wanted || wanted.has(f.id)) { visit(f.geometry.coordinates); }
      });
      return box;
    };
    var box = focus.bounds || await boundsOfFile();
    if (!box) { return dc.no_update; }
    var west = box[0], south = box[1], east = box[2], north = box[3];
    if (west > east) { return dc.no_update; }
    var id = elementId || focus.element;
    var el = id ? document.getElementById(id) : null;
    var width = Math.max(el ? el.clientWidth : 0, 240);
    var height = Math.max(el ? el.clientHeight : 0, 240);
    var y = function (lat) { return Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360)); };
    var pad = focus.pad || 1.05;
    var lonSpan = Math.max((east - west) * pad, 0.002);
    var ySpan = Math.max((y(north) - y(south)) * pad, 0.00003);
    var zoom = Math.min(
      Math.log2(width * 360 / (512 * lonSpan)),
      Math.log2(height * 2 * Math.PI / (512 * ySpan)),
      15
    );
    var yc = (y(north) + y(south)) / 2;
    var lat = (2 * Math.atan(Math.exp(yc)) - Math.PI / 2) * 180 / Math.PI;
    var patch = new dc.Patch();
    patch.assign(["layout", "map", "center"], {lon: (west + east) / 2, lat: lat});
    patch.assign(["layout", "map", "zoom"], Math.round(zoom * 100) / 100);
    return patch.build();
  }
});
