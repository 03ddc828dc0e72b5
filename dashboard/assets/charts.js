/* Charts as pictures, as a clientside callback (ClientsideFunction("wec", NAME)).
   Every element id comes in with the data from the server, never written here. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.wec = Object.assign({}, window.dash_clientside.wec, {

  /* The chart inside element image.holder as a PNG of image.width x image.height, its
     layout joined by image.layout (a title, the source line with the data version, the
     chart's own marks), saved as image.filename + ".png". Returns nothing to Dash. */
  downloadChart: function (clicks, image) {
    var dc = window.dash_clientside;
    var holder = image ? document.getElementById(image.holder) : null;
    var gd = holder ? holder.querySelector(".js-plotly-plot") : null;
    if (!clicks || !image || !gd || !window.Plotly) { return dc.no_update; }
    var size = {width: image.width, height: image.height};
    var layout = Object.assign({}, gd.layout, image.layout, size);
    return window.Plotly.toImage({data: gd.data, layout: layout},
                                 Object.assign({format: "png"}, size))
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
