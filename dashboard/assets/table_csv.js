/* TRANSITIONAL: pages not yet drawn from a table model; removed with the last one. */
/* "Download this table (CSV)": the cells of the table a button names, exactly as the page
   shows them, saved as a CSV file in the browser. Text that a spreadsheet would run as a
   formula (= + - @ tab CR at the start) is prefixed with an apostrophe; numbers, negative
   ones included, stay numbers. Buttons: <button class="table-csv" data-csv-for="ID">. */
(function () {
  "use strict";
  var FORMULA = /^[=+\-@\t\r]/;
  var NUMBER = /^-?[\d,]*\.?\d+%?$/;

  function cell(text) {
    var value = text.replace(/\s+/g, " ").trim();
    if (FORMULA.test(value) && !NUMBER.test(value)) { value = "'" + value; }
    return /[",\n\r]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  function rows(table) {
    var out = [];
    table.querySelectorAll("tr").forEach(function (tr) {
      var cells = [];
      tr.querySelectorAll("th, td").forEach(function (c) { cells.push(c.textContent); });
      out.push(cells);
    });
    return out;
  }

  function toCsv(grid) {
    return grid.map(function (r) { return r.map(cell).join(","); }).join("\r\n") + "\r\n";
  }

  function fileName(table) {
    var caption = table.querySelector("caption");
    var slug = (caption ? caption.textContent : "table").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
    return (slug || "table") + ".csv";
  }

  function download(button) {
    var holder = document.getElementById(button.getAttribute("data-csv-for"));
    // Tables drawn from a model (tables.js) download from their model instead.
    if (holder && (holder.hasAttribute("data-table") || holder.querySelector("[data-table]"))) {
      return;
    }
    var table = holder && holder.querySelector("table");
    if (!table) { return; }
    var blob = new Blob(["\ufeff" + toCsv(rows(table))], { type: "text/csv;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = fileName(table);
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.table-csv");
    if (button) { download(button); }
  });

  window.wecTableCsv = { toCsv: toCsv, fileName: fileName };
})();
