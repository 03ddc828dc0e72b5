/* Area profiles (/area): the search box's suggestions. The server sends the labels as
   data and the id of the <datalist> to fill; 749 options as Dash components would be
   749 components to build, send and mount. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.wec = Object.assign({}, window.dash_clientside.wec, {
  fillDatalist: function (names, listId) {
    var list = document.getElementById(listId);
    if (list && Array.isArray(names)) {
      list.replaceChildren.apply(list, names.map(function (name) {
        var option = document.createElement("option");
        option.value = name;
        return option;
      }));
    }
    return window.dash_clientside.no_update;
  }
});
