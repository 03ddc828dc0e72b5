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

  /* fitMap: see map_fit.js, shared by every page with a map. */

  /* The map in graph ELEMENTID as a PNG with its title, key, source and data version
     (image = {filename, layout}), at a size fit for a report; the view keeps what is on
     screen, scaled to the picture's width. Saved by charts.js's savePng, as every chart. */
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
    return dc.wec.savePng({data: gd.data, layout: layout}, image.filename, width, height)
      .then(function () { return dc.no_update; });
  }
});
