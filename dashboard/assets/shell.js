/* The frame around every page: the browser's title names the page (WCAG 2.4.2). The
   router, and a page that knows better (an area's profile), write the title to a store;
   this sets it. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.wec = Object.assign({}, window.dash_clientside.wec, {
  documentTitle: function (title) {
    if (title) { document.title = title; }
    return window.dash_clientside.no_update;
  }
});
