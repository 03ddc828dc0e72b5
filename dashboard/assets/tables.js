/* Tables drawn from their model (presenters/common/table.py): an element with a
   data-table attribute holds the model as JSON, and this script draws it as a table in
   that element, every cell set as text (nothing in a table is ever read as HTML).

   - Column headings are buttons that sort the rows (aria-sort says how); footer rows
     (totals, reconciliation) stay at the end.
   - "Download this table (CSV)": <button class="table-csv" data-csv-for="ID"> saves the
     table in element ID as the page shows it, in the order shown, numbers unformatted,
     footer rows included. Text a spreadsheet would run as a formula (= + - @ tab CR at
     the start) is prefixed with an apostrophe; numbers stay numbers.
   - On a narrow screen each cell carries its column's heading (data-label), so the
     stylesheet can show a row as a card. */
(function () {
  "use strict";
  var FORMULA = /^[=+\-@\t\r]/;

  function text(cell) { return typeof cell === "string" ? cell : (cell ? cell[0] : ""); }
  function value(cell) { return typeof cell === "string" ? null : (cell ? cell[1] : null); }

  function cellElement(tag, content, numeric, heading, scope) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (numeric) { el.className = "num"; }
    if (scope) { el.setAttribute("scope", scope); }
    if (heading) { el.setAttribute("data-label", heading); }
    return el;
  }

  function rowElement(cells, model) {
    var tr = document.createElement("tr");
    cells.forEach(function (cell, i) {
      var column = model.columns[i];
      var isHeader = i === model.header;
      tr.appendChild(cellElement(isHeader ? "th" : "td", text(cell), column.numeric,
                                 column.heading, isHeader ? "row" : null));
    });
    return tr;
  }

  function compare(a, b, column, direction) {
    var va = column.numeric ? value(a) : text(a);
    var vb = column.numeric ? value(b) : text(b);
    var blankA = va === null || va === "", blankB = vb === null || vb === "";
    if (blankA || blankB) { return blankA === blankB ? 0 : (blankA ? 1 : -1); }
    var order = column.numeric ? va - vb : String(va).localeCompare(String(vb), "en-GB",
                                                                      {numeric: true});
    return direction === "descending" ? -order : order;
  }

  function draw(holder) {
    var model;
    try { model = JSON.parse(holder.getAttribute("data-table")); } catch (e) { return; }
    if (!model || !model.columns) { return; }
    holder._wecModel = model;
    holder._wecRows = model.rows.map(function (row, i) { return {cells: row, index: i}; });
    var table = document.createElement("table");
    table.className = "data-table-grid";
    var caption = document.createElement("caption");
    caption.textContent = model.caption;
    table.appendChild(caption);
    var thead = document.createElement("thead");
    var head = document.createElement("tr");
    model.columns.forEach(function (column, i) {
      var th = cellElement("th", "", column.numeric, null, "col");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = column.heading;
      button.setAttribute("data-column", String(i));
      th.appendChild(button);
      head.appendChild(th);
    });
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = document.createElement("tbody");
    table.appendChild(tbody);
    if (model.footer && model.footer.length) {
      var tfoot = document.createElement("tfoot");
      model.footer.forEach(function (row) { tfoot.appendChild(rowElement(row, model)); });
      table.appendChild(tfoot);
    }
    holder.replaceChildren(table);
    fill(holder);
  }

  function fill(holder) {
    var model = holder._wecModel;
    var tbody = holder.querySelector("tbody");
    var fragment = document.createDocumentFragment();
    holder._wecRows.forEach(function (row) {
      fragment.appendChild(rowElement(row.cells, model));
    });
    tbody.replaceChildren(fragment);
  }

  function sort(button) {
    var holder = button.closest("[data-table]");
    if (!holder || !holder._wecModel) { return; }
    var i = Number(button.getAttribute("data-column"));
    var th = button.parentElement;
    var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    holder.querySelectorAll("thead th").forEach(function (other) {
      other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", direction);
    var column = holder._wecModel.columns[i];
    holder._wecRows.sort(function (a, b) {
      return compare(a.cells[i], b.cells[i], column, direction) || a.index - b.index;
    });
    fill(holder);
  }

  function csvCell(cell) {
    var v = value(cell);
    var out = v === null || v === undefined ? text(cell) : String(v);
    out = out.replace(/\s+/g, " ").trim();
    if (typeof v !== "number" && FORMULA.test(out)) { out = "'" + out; }
    return /[",\n\r]/.test(out) ? '"' + out.replace(/"/g, '""') + '"' : out;
  }

  function toCsv(holder) {
    var model = holder._wecModel;
    var lines = [model.columns.map(function (c) { return csvCell(c.heading); }).join(",")];
    holder._wecRows.forEach(function (row) { lines.push(row.cells.map(csvCell).join(",")); });
    (model.footer || []).forEach(function (row) { lines.push(row.map(csvCell).join(",")); });
    return lines.join("\r\n") + "\r\n";
  }

  function download(button) {
    var holder = document.getElementById(button.getAttribute("data-csv-for"));
    if (holder && !holder._wecModel) { holder = holder.querySelector("[data-table]"); }
    if (!holder || !holder._wecModel) { return; }
    var blob = new Blob(["\ufeff" + toCsv(holder)], {type: "text/csv;charset=utf-8"});
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = holder._wecModel.filename || "table.csv";
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }

  function drawWithin(node) {
    if (node.nodeType !== 1) { return; }
    if (node.hasAttribute("data-table")) { draw(node); }
    node.querySelectorAll("[data-table]").forEach(draw);
  }

  var observer = new MutationObserver(function (mutations) {
    mutations.forEach(function (m) {
      if (m.type === "attributes") { draw(m.target); return; }
      m.addedNodes.forEach(drawWithin);
    });
  });

  function start() {
    observer.observe(document.body, {childList: true, subtree: true, attributes: true,
                                     attributeFilter: ["data-table"]});
    drawWithin(document.body);
  }
  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) { return; }
    var sorter = target.closest("button.sort");
    if (sorter) { sort(sorter); return; }
    var button = target.closest("button.table-csv");
    if (button) { download(button); }
  });

  window.wecTables = {toCsv: toCsv};
})();
