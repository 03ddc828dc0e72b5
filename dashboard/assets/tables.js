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
     stylesheet can show a row as a card.
   - A model with a "filter" (the index of a column, such as a ward's borough) gets a
     select above the table listing that column's values. While one is chosen, the
     table and its CSV hold only that value's rows, and the footer rows (which add up
     every row) are left out of both; a line under the select says so. */
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

  function filterWords(heading) {
    return heading.replace(/\b(Borough|Ward|Area)\b/g, function (w) { return w.toLowerCase(); });
  }

  function filterBar(model) {
    var column = model.columns[model.filter];
    var values = {};
    model.rows.forEach(function (row) {
      var v = text(row[model.filter]);
      if (v) { values[v] = (values[v] || 0) + 1; }
    });
    var bar = document.createElement("div");
    bar.className = "table-filter";
    var label = document.createElement("label");
    label.textContent = "Show only one " + filterWords(column.heading) + " ";
    var select = document.createElement("select");
    select.className = "table-filter-select";
    var all = document.createElement("option");
    all.value = "";
    all.textContent = "All (" + model.rows.length + " rows)";
    select.appendChild(all);
    Object.keys(values).sort(function (a, b) { return a.localeCompare(b, "en-GB"); })
      .forEach(function (v) {
        var option = document.createElement("option");
        option.value = v;
        option.textContent = v + " (" + values[v] + ")";
        select.appendChild(option);
      });
    label.appendChild(select);
    var status = document.createElement("p");
    status.className = "table-filter-status";
    status.setAttribute("aria-live", "polite");
    bar.appendChild(label);
    bar.appendChild(status);
    return bar;
  }

  /* The rows shown: every row, or those of the chosen filter value, in the order shown. */
  function shownRows(holder) {
    var model = holder._wecModel, chosen = holder._wecFilter;
    if (!chosen || model.filter === null || model.filter === undefined) {
      return holder._wecRows;
    }
    return holder._wecRows.filter(function (row) { return text(row.cells[model.filter]) === chosen; });
  }

  function draw(holder) {
    var model;
    try { model = JSON.parse(holder.getAttribute("data-table")); } catch (e) { return; }
    if (!model || !model.columns) { return; }
    holder._wecModel = model;
    holder._wecFilter = "";
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
    var filterable = typeof model.filter === "number" && model.rows.length > 1;
    if (filterable) { holder.replaceChildren(filterBar(model), table); }
    else { model.filter = null; holder.replaceChildren(table); }
    fill(holder);
  }

  function fill(holder) {
    var model = holder._wecModel;
    var tbody = holder.querySelector("tbody");
    var fragment = document.createDocumentFragment();
    var rows = shownRows(holder);
    rows.forEach(function (row) {
      fragment.appendChild(rowElement(row.cells, model));
    });
    tbody.replaceChildren(fragment);
    var tfoot = holder.querySelector("tfoot");
    if (tfoot) { tfoot.hidden = Boolean(holder._wecFilter); }
    var status = holder.querySelector(".table-filter-status");
    if (status) {
      status.textContent = holder._wecFilter
        ? "Showing the " + rows.length + " of " + model.rows.length + " rows whose " +
          filterWords(model.columns[model.filter].heading) + " is " + holder._wecFilter +
          ". The rows that add up the whole table are left out while a filter is on, " +
          "here and in the download."
        : "";
    }
  }

  function setFilter(select) {
    var holder = select.closest("[data-table]");
    if (!holder || !holder._wecModel) { return; }
    holder._wecFilter = select.value;
    fill(holder);
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
    shownRows(holder).forEach(function (row) { lines.push(row.cells.map(csvCell).join(",")); });
    if (!holder._wecFilter) {
      (model.footer || []).forEach(function (row) { lines.push(row.map(csvCell).join(",")); });
    }
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

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.classList && target.classList.contains("table-filter-select")) {
      setFilter(target);
    }
  });

  window.wecTables = {toCsv: toCsv};
})();
