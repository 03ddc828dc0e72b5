/* The one listener of every page's choices: when a select inside a
   <fieldset data-store="STORE"> changes, the values of all the fieldset's named selects,
   and the name of the one that changed, go into the dcc.Store STORE. The store's id is
   written by the server on the fieldset, never here. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.name) { return; }
    var fieldset = select.closest("fieldset[data-store]");
    if (!fieldset || !window.dash_clientside || !window.dash_clientside.set_props) { return; }
    var data = {changed: select.name};
    fieldset.querySelectorAll("select[name]").forEach(function (s) { data[s.name] = s.value; });
    window.dash_clientside.set_props(fieldset.getAttribute("data-store"), {data: data});
  });
})();
