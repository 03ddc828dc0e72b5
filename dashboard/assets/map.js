/* The maps' browser side, as clientside callbacks (ClientsideFunction("wec", NAME)).
   Every element id comes in as an argument from the server's ids, never written here. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.wec = Object.assign({}, window.dash_clientside.wec, {

  /* The search box's suggestions: every area's label as a plain <option>, written
     straight into the <datalist> LISTID (as Dash components, 750 options took seconds
     to mount). */
  fillList: function (labels, listId) {
    var dc = window.dash_clientside;
    var list = document.getElementById(listId);
    if (!list || !Array.isArray(labels)) { return dc.no_update; }
    var fragment = document.createDocumentFragment();
    labels.forEach(function (label) {
      var option = document.createElement("option");
      option.value = label;
      fragment.appendChild(option);
    });
    list.replaceChildren(fragment);
    return dc.no_update;
  },

  /* A button that hides itself ("Back to all London") moves the keyboard focus to the
     heading HEADINGID rather than losing it (WCAG 2.4.3); returns the heading's
     tabIndex. */
  focusHeading: function (clicks, headingId) {
    if (clicks) {
      window.setTimeout(function () {
        var heading = document.getElementById(headingId);
        if (heading) { heading.focus(); }
      }, 0);
    }
    return "-1";
  },

  /* Whether a folding panel starts open: open on a wide screen, folded on a phone so
     the map comes first. */
  openWhenWide: function (id, width) {
    return window.matchMedia("(min-width: " + (width || 761) + "px)").matches;
  },

  /* Fits a map to the areas in focus ({url, codes, pad}; codes null: every area) for
     the size of the graph ELEMENTID on the screen, so a 390 px phone and a desktop both
     see the whole of it. The boundaries come from plotly's own cache of the file (or
     the browser's HTTP cache). A caller that passes no element id names it in
     focus.element. */
  fitMap: async function (focus, elementId) {
    var dc = window.dash_clientside;
    if (!focus || !focus.url) { return dc.no_update; }
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
      if (!response.ok) { return dc.no_update; }
      geo = await response.json();
    }
    var wanted = focus.codes ? new Set(focus.codes) : null;
    var west = 180, east = -180, south = 90, north = -90;
    var visit = function (c) {
      if (typeof c[0] === "number") {
        west = Math.min(west, c[0]); east = Math.max(east, c[0]);
        south = Math.min(south, c[1]); north = Math.max(north, c[1]);
      } else { c.forEach(visit); }
    };
    geo.features.forEach(function (f) {
      if (!wanted || wanted.has(f.id)) { visit(f.geometry.coordinates); }
    });
    if (west > east) { return dc.no_update; }
    var el = document.getElementById(elementId || focus.element);
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
  },

  /* The map in graph ELEMENTID as a PNG with its title, key and source
     (image = {filename, layout}), at a size fit for a report; the view keeps what is on
     screen, scaled to the picture's width. */
  downloadImage: function (clicks, image, elementId) {
    var dc = window.dash_clientside;
    var holder = document.getElementById(elementId);
    var gd = holder ? holder.querySelector(".js-plotly-plot") : null;
    if (!clicks || !image || !image.layout || !gd || !window.Plotly) { return dc.no_update; }
    var width = 1200, height = 900;
    var map = Object.assign({}, gd.layout.map);
    var shownWidth = gd.clientWidth || width;
    var shownHeight = gd.clientHeight || height;
    var scale = Math.min(width / shownWidth, (height - 92) / shownHeight);
    if (typeof map.zoom === "number") { map.zoom = map.zoom + Math.log2(scale); }
    var layout = Object.assign({}, gd.layout, image.layout,
                               {map: map, width: width, height: height});
    return window.Plotly.toImage({data: gd.data, layout: layout},
                                 {format: "png", width: width, height: height})
      .then(function (url) {
        var a = document.createElement("a");
        a.href = url;
        a.download = image.filename + ".png";
        document.body.appendChild(a);
        a.click();
        a.remove();
        return dc.no_update;
      });
  }
});
