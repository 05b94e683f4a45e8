/* The Token Factory: what every chart gets in the page, offline (no request leaves the page).
 *
 * - Each chart's Vega view is kept on its element (`element.tfView`), for the browser tests.
 * - A chart with live controls (Vega-Lite params bound to inputs) gets a "Reset" button that puts
 *   every control back to the value the page was built with.
 * - Each chart gets a "Data (CSV)" link beside it: its data tables, written by the browser from the
 *   chart's own spec (nothing is fetched).
 *
 * Altair's HTML output calls the global `vegaEmbed`; we wrap it, whichever of this file and the
 * offline Vega bundle loads first.
 */
(function () {
  "use strict";

  function slug(text) {
    return String(text || "chart").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "chart";
  }

  function titleText(spec) {
    var t = spec && spec.title;
    if (!t) return "";
    if (typeof t === "string") return t;
    if (Array.isArray(t)) return t.join(" ");
    if (typeof t.text === "string") return t.text;
    if (Array.isArray(t.text)) return t.text.join(" ");
    return "";
  }

  function csvCell(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "object") v = JSON.stringify(v);
    var s = String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function toCsv(rows) {
    var cols = [];
    rows.forEach(function (r) {
      Object.keys(r || {}).forEach(function (k) { if (cols.indexOf(k) < 0) cols.push(k); });
    });
    var lines = [cols.map(csvCell).join(",")];
    rows.forEach(function (r) { lines.push(cols.map(function (c) { return csvCell(r ? r[c] : ""); }).join(",")); });
    return lines.join("\n") + "\n";
  }

  /* Every inline table of a Vega-Lite spec: named datasets, then inline `data.values` anywhere. */
  function tables(spec) {
    var out = [];
    var seen = {};
    var ds = (spec && spec.datasets) || {};
    Object.keys(ds).forEach(function (name) {
      if (Array.isArray(ds[name]) && ds[name].length) { out.push(ds[name]); seen[name] = true; }
    });
    (function walk(node) {
      if (!node || typeof node !== "object") return;
      if (Array.isArray(node)) { node.forEach(walk); return; }
      if (node.data && Array.isArray(node.data.values) && node.data.values.length &&
          typeof node.data.values[0] === "object") out.push(node.data.values);
      Object.keys(node).forEach(function (k) { if (k !== "data" && k !== "datasets") walk(node[k]); });
    })(spec);
    return out;
  }

  function addDownloads(el, spec) {
    if (el.parentNode && el.parentNode.querySelector(":scope > .tf-downloads")) return;
    var data = tables(spec);
    if (!data.length) return;
    var drawn = el.querySelector(".role-title-text");  /* the title as drawn, also when it is an expression */
    var name = slug(titleText(spec) || (drawn && drawn.textContent) || el.id);
    var p = document.createElement("p");
    p.className = "tf-downloads";
    p.appendChild(document.createTextNode("Download this chart's data: "));
    data.forEach(function (rows, i) {
      var a = document.createElement("a");
      var file = name + (data.length > 1 ? "-" + (i + 1) : "") + ".csv";
      a.href = URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv" }));
      a.download = file;
      a.className = "tf-csv";
      a.textContent = data.length > 1 ? "table " + (i + 1) + " (CSV, " + rows.length + " rows)" : "CSV (" + rows.length + " rows)";
      if (i) p.appendChild(document.createTextNode(" · "));
      p.appendChild(a);
    });
    el.parentNode.insertBefore(p, el.nextSibling);
  }

  /* The Reset button: every bound parameter back to the value the page was built with. Read from
     the view, not the inputs: a slider snaps its displayed value to its step. */
  function addReset(el, view) {
    var bindings = el.querySelector(".vega-bindings");
    if (!bindings || bindings.querySelector(".tf-reset")) return;
    var names = [];
    Array.prototype.forEach.call(bindings.querySelectorAll("input[name], select[name]"), function (input) {
      if (names.indexOf(input.name) < 0) names.push(input.name);
    });
    var defaults = {};
    names.forEach(function (n) {
      try { defaults[n] = view.signal(n); } catch (e) { /* not a signal of this view */ }
    });
    if (!Object.keys(defaults).length) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "tf-reset";
    button.textContent = "Reset";
    button.title = "Put every control of this chart back to the page's setting";
    button.addEventListener("click", function () {
      Object.keys(defaults).forEach(function (n) { view.signal(n, defaults[n]); });
      view.runAsync();
    });
    bindings.appendChild(button);
  }

  function wrap(embed) {
    if (!embed || embed.tfWrapped) return embed;
    var wrapped = function (el, spec, opts) {
      return embed(el, spec, opts).then(function (result) {
        try {
          var node = typeof el === "string" ? document.querySelector(el) : el;
          if (node) {
            node.tfView = result.view;
            node.tfSpec = spec;
            addReset(node, result.view);
            addDownloads(node, spec);
          }
        } catch (e) {
          /* the chart is drawn; the extras are a convenience */
        }
        return result;
      });
    };
    Object.keys(embed).forEach(function (k) { wrapped[k] = embed[k]; });
    wrapped.tfWrapped = true;
    return wrapped;
  }

  /* Links written relative to the site's root (the footer's) point right from every page. */
  function rootLinks() {
    var root = document.documentElement.getAttribute("data-content_root");
    if (root === null) return;
    Array.prototype.forEach.call(document.querySelectorAll("a[data-tf-root]"), function (a) {
      a.setAttribute("href", root + a.getAttribute("data-tf-root"));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", rootLinks);
  else rootLinks();

  var current = window.vegaEmbed;
  if (current) {
    window.vegaEmbed = wrap(current);
  } else {
    Object.defineProperty(window, "vegaEmbed", {
      configurable: true,
      enumerable: true,
      get: function () { return current; },
      set: function (v) { current = wrap(v); },
    });
  }
})();
