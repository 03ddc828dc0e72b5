/* Every chart as a picture: "Download this chart (PNG)".

   A chart's presenter puts its picture in the figure's layout.meta.wecImage (see
   presenters/common/charts.py with_image): the file name, the size, and what the
   picture's layout adds to the chart's own (a title, the legend at the top, the source
   and the data version below). A button <button class="chart-png"
   data-chart-for="ELEMENTID"> saves the chart drawn in element ELEMENTID with them, at a
   size fit for a report. The map's own picture (map.js downloadImage) is saved through
   the same savePng. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.wec = Object.assign({}, window.dash_clientside.wec, {

  /* Save FIGURE ({data, layout}) as FILENAME.png at WIDTH x HEIGHT; resolves when done. */
  savePng: function (figure, filename, width, height) {
    if (!window.Plotly) { return Promise.resolve(null); }
    return window.Plotly.toImage(figure, {format: "png", width: width, height: height})
      .then(function (url) {
        var a = document.createElement("a");
        a.href = url;
        a.download = filename + ".png";
        document.body.appendChild(a);
        a.click();
        a.remove();
        return url;
      });
  },

  /* The chart in element ELEMENTID as a PNG with its title, source and data version. */
  downloadChart: function (clicks, elementId) {
    var dc = window.dash_clientside;
    var holder = document.getElementById(elementId);
    var gd = holder ? (holder.classList.contains("js-plotly-plot") ? holder
                       : holder.querySelector(".js-plotly-plot")) : null;
    var image = gd && gd.layout && gd.layout.meta ? gd.layout.meta.wecImage : null;
    if (!clicks || !gd || !image) { return Promise.resolve(dc.no_update); }
    var layout = Object.assign({}, gd.layout, image.layout,
                               {width: image.width, height: image.height});
    layout.annotations = (gd.layout.annotations || []).concat(image.annotations || []);
    delete layout.meta;
    return dc.wec.savePng({data: gd.data, layout: layout}, image.filename, image.width,
                          image.height).then(function () { return dc.no_update; });
  }
});

(function () {
  "use strict";
  /* Printing: "Print this profile" prints the page; folded tables open for print and
     fold again after; charts are redrawn at the width of an A4 page (180 mm at 96 dpi)
     and back to the screen's after. */
  var PRINT_WIDTH = 680;
  var opened = [], resized = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.from(document.querySelectorAll("details:not([open])"));
    opened.forEach(function (d) { d.setAttribute("open", ""); });
    if (!window.Plotly) { return; }
    resized = Array.from(document.querySelectorAll(".js-plotly-plot")).filter(function (gd) {
      return gd.data && gd.clientWidth > PRINT_WIDTH;
    });
    resized.forEach(function (gd) { window.Plotly.relayout(gd, {width: PRINT_WIDTH}); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.removeAttribute("open"); });
    opened = [];
    resized.forEach(function (gd) {
      window.Plotly.relayout(gd, {width: null, autosize: true});
    });
    resized = [];
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("button.print-page")) {
      window.print();
      return;
    }
    var button = target && target.closest ? target.closest("button.chart-png") : null;
    if (!button) { return; }
    button.setAttribute("aria-busy", "true");
    window.dash_clientside.wec.downloadChart(1, button.getAttribute("data-chart-for"))
      .then(function () { button.removeAttribute("aria-busy"); },
            function () { button.removeAttribute("aria-busy"); });
  });
})();
