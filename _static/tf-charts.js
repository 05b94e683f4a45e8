/* The Token Factory: how every chart is drawn in the page, offline (no request leaves the page).
 *
 * Loaded (deferred) only on pages with charts, after the Vega bundle. Altair's chart scripts ran
 * while the page was read and queued their charts (the inline stand-in for `vegaEmbed` that
 * tokenfactory.build.sphinx_assets puts in the head); they are drawn here, once the page's layout is
 * final, so a chart that takes its column's width gets the column's real width.
 *
 * - Every chart fits its column: single views follow the column (a ResizeObserver refits them
 *   when it changes: window, phone rotation, print); charts of several panels are stacked on a
 *   narrow column (side-by-side panels one under the other, facets in one column), then narrowed;
 *   as a last resort the drawing is scaled down to the column.
 * - Each chart's Vega view is kept on its element (`element.tfView`), for the browser tests;
 *   `window.tfChartsDrawn` holds the time (performance.now()) the last chart of the page was drawn.
 * - Accessible: each chart is an image named by its title, described by its subtitle and the
 *   numbers it labels (or by the description its notebook gave); the chart menu button is named.
 * - A chart with live controls (Vega-Lite params bound to inputs) gets a "Reset" button that puts
 *   every control back to the value the page was built with.
 * - Each chart gets a link to its data as CSV, named after the chart, units in the header: the
 *   tables the chart draws (small tables that only place labels are left out).
 */
(function () {
  "use strict";

  var MULTI = ["hconcat", "vconcat", "concat", "facet", "repeat"];

  function slug(text) {
    return String(text || "chart").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "chart";
  }

  function plain(t) {
    if (!t) return "";
    if (typeof t === "string") return t;
    if (Array.isArray(t)) return t.join(" ");
    return "";
  }

  function titleText(spec) {
    var t = spec && spec.title;
    if (!t) return "";
    if (typeof t === "string" || Array.isArray(t)) return plain(t);
    return plain(t.text);
  }

  /* The text of drawn SVG text elements matching `selector` (tspans joined). */
  function drawn(el, selector) {
    return Array.prototype.map.call(el.querySelectorAll(selector), function (t) {
      var spans = t.querySelectorAll("tspan");
      return spans.length ? Array.prototype.map.call(spans, function (s) { return s.textContent; }).join(" ") : t.textContent;
    }).filter(function (s) { return s && s.trim(); });
  }

  function csvCell(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "number" && !isFinite(v)) return "";
    if (typeof v === "object") v = JSON.stringify(v);
    var s = String(v);
    if (s === "NaN") return "";
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  /* field -> the title the chart gives it (axis or legend title: its unit), from the encodings. */
  function fieldTitles(spec) {
    var out = {};
    (function walk(node) {
      if (!node || typeof node !== "object") return;
      if (Array.isArray(node)) { node.forEach(walk); return; }
      if (typeof node.field === "string") {
        var t = node.title;
        if (t === undefined && node.axis && node.axis.title !== undefined) t = node.axis.title;
        if (t === undefined && node.legend && node.legend.title !== undefined) t = node.legend.title;
        t = plain(t);
        if (t && !out[node.field]) out[node.field] = t;
      }
      Object.keys(node).forEach(function (k) { if (k !== "data" && k !== "datasets") walk(node[k]); });
    })(spec);
    return out;
  }

  function toCsv(rows, titles) {
    var cols = [];
    rows.forEach(function (r) {
      Object.keys(r || {}).forEach(function (k) { if (cols.indexOf(k) < 0) cols.push(k); });
    });
    var head = cols.map(function (c) {
      var t = titles[c];
      return csvCell(t && t !== c ? c + " (" + t + ")" : c);
    });
    var lines = [head.join(",")];
    rows.forEach(function (r) { lines.push(cols.map(function (c) { return csvCell(r ? r[c] : ""); }).join(",")); });
    return lines.join("\n") + "\n";
  }

  /* Every inline table of a Vega-Lite spec: named datasets, then inline `data.values` anywhere. */
  function tables(spec) {
    var out = [];
    var ds = (spec && spec.datasets) || {};
    Object.keys(ds).forEach(function (name) {
      if (Array.isArray(ds[name]) && ds[name].length) out.push(ds[name]);
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

  /* The tables the chart draws: label-placing tables of three rows or fewer are left out when the
     chart has a larger table. Largest first. */
  function drawnTables(spec) {
    var all = tables(spec);
    var big = all.filter(function (t) { return t.length > 3; });
    var keep = big.length ? big : all;
    return keep.slice().sort(function (a, b) { return b.length - a.length; });
  }

  function chartName(el, spec) {
    var t = drawn(el, ".role-title-text");
    return (t.length ? t.join(" ") : titleText(spec)) || "";
  }

  function addDownloads(el, spec) {
    var holder = el.parentNode;
    if (!holder) return;
    var old = holder.querySelector(":scope > .tf-downloads");
    if (old) old.remove();
    var data = drawnTables(spec);
    if (!data.length) return;
    var name = slug(chartName(el, spec) || el.id);
    var titles = fieldTitles(spec);
    var p = document.createElement("p");
    p.className = "tf-downloads";
    p.appendChild(document.createTextNode("Download the data of this chart: "));
    data.forEach(function (rows, i) {
      var a = document.createElement("a");
      var file = name + (i ? "-" + (i + 1) : "") + ".csv";
      a.href = URL.createObjectURL(new Blob([toCsv(rows, titles)], { type: "text/csv" }));
      a.download = file;
      a.className = "tf-csv";
      a.textContent = file + " (" + rows.length + " rows)";
      if (i) p.appendChild(document.createTextNode(" · "));
      p.appendChild(a);
    });
    holder.insertBefore(p, el.nextSibling);
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
      view.runAsync().then(function () { describe(el, el.tfSpec); });
    });
    bindings.appendChild(button);
  }

  /* The description a notebook gave the chart (nb.show(..., description=...)): the next
     `.tf-chart-desc` in the page before the next chart. */
  function givenDescription(el) {
    var nodes = document.querySelectorAll('div[id^="altair-viz-"], .tf-chart-desc');
    var seen = false;
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i] === el) { seen = true; continue; }
      if (!seen) continue;
      if (nodes[i].classList.contains("tf-chart-desc")) return nodes[i];
      return null;
    }
    return null;
  }

  /* The chart as an image named by its title and described by its subtitle and the numbers it
     labels: a screen reader hears the finding, not every tick. */
  function describe(el, spec) {
    var svg = el.querySelector("svg.marks");
    var canvas = el.querySelector("canvas.marks");
    var target = svg || canvas;
    if (!target) return;
    var name = chartName(el, spec) || "Chart";
    var subtitle = drawn(el, ".role-title-subtitle").join(" ");
    var given = givenDescription(el);
    var desc = el.querySelector(":scope > .tf-sr-only");
    if (!given) {
      var labels = drawn(el, ".role-mark text").filter(function (s) { return /\d/.test(s); });
      var unique = labels.filter(function (s, i) { return labels.indexOf(s) === i; }).slice(0, 24);
      if (!desc) {
        desc = document.createElement("p");
        desc.className = "tf-sr-only";
        desc.id = el.id + "-desc";
        el.appendChild(desc);
      }
      desc.textContent = (subtitle ? subtitle + ". " : "") + (unique.length ? "Values shown: " + unique.join("; ") + "." : "");
    } else if (!given.id) {
      given.id = el.id + "-desc";
    }
    target.setAttribute("role", "img");
    target.setAttribute("aria-label", name);
    target.setAttribute("aria-describedby", given ? given.id : desc.id);
    var summary = el.querySelector("details > summary");
    if (summary) {
      summary.setAttribute("aria-label", "Chart menu: save this chart as an image");
      summary.setAttribute("title", "Save this chart as an image");
    }
  }

  /* Slider values as the reader reads them: a share as a percentage ("40%", not "0.4"). The
     format comes from the chart (`usermeta.tfFormats`, written by charts.control) or, for a slider
     over a share (its label says "share", its range within 0..1), is a whole percentage. */
  function formatter(spec) {
    return function (f) {
      var m = /^\.(\d+)%$/.exec(f || "");
      if (m) return function (v) { return (Number(v) * 100).toFixed(Number(m[1])) + "%"; };
      if (window.vega && typeof window.vega.format === "function") {
        try { var g = window.vega.format(f); return function (v) { return g(Number(v)); }; } catch (e) { /* fall through */ }
      }
      return null;
    };
  }

  function formatSliders(el, spec) {
    var formats = (spec && spec.usermeta && spec.usermeta.tfFormats) || {};
    var make = formatter(spec);
    Array.prototype.forEach.call(el.querySelectorAll(".vega-bind"), function (bind) {
      var input = bind.querySelector("input[type=range]");
      /* Vega writes the value in the span right after the slider (no class of its own) */
      var shown = input && input.nextElementSibling && input.nextElementSibling.tagName === "SPAN" ?
        input.nextElementSibling : bind.querySelector(".vega-bind-value");
      if (!input || !shown || shown.tfFormatted) return;
      var label = (bind.querySelector(".vega-bind-name") || {}).textContent || "";
      var f = formats[input.name];
      if (!f && /share/i.test(label) && Number(input.min) >= 0 && Number(input.max) <= 1) f = ".0%";
      var show = f && make(f);
      if (!show) return;
      shown.tfFormatted = true;
      var update = function () {
        var raw = shown.textContent;
        if (/^-?\d*\.?\d+(e-?\d+)?$/.test(raw.trim())) shown.textContent = show(raw);
      };
      new MutationObserver(update).observe(shown, { childList: true, characterData: true, subtree: true });
      input.setAttribute("aria-valuetext", show(input.value));
      input.addEventListener("input", function () { input.setAttribute("aria-valuetext", show(input.value)); });
      update();
    });
  }

  /* --- Fitting the chart to its column ---------------------------------------------------- */

  function isMulti(spec) {
    return MULTI.some(function (k) { return spec && k in spec; }) ||
      [spec].concat((spec && spec.layer) || []).some(function (l) {
        var enc = (l && l.encoding) || {};
        return "row" in enc || "column" in enc || "facet" in enc;
      });
  }

  function copy(spec) { return JSON.parse(JSON.stringify(spec)); }

  /* Panels one under the other: side-by-side panels stacked, facets and wrapped concats in one
     column. */
  function stacked(spec) {
    var s = copy(spec);
    if (s.hconcat) { s.vconcat = s.hconcat; delete s.hconcat; }
    if (s.concat || s.facet || s.repeat) s.columns = 1;
    if (s.encoding && s.encoding.column) { s.encoding.row = s.encoding.column; delete s.encoding.column; }
    return s;
  }

  /* Every panel's fixed width made `by` px narrower (not under 100 px). */
  function narrowed(spec, by) {
    var s = copy(spec);
    (function walk(node) {
      if (!node || typeof node !== "object" || Array.isArray(node)) return;
      if (typeof node.width === "number") node.width = Math.max(100, Math.round(node.width - by));
      ["hconcat", "vconcat", "concat"].forEach(function (k) { (node[k] || []).forEach(walk); });
      if (node.spec) walk(node.spec);
    })(s);
    return s;
  }

  function drawnWidth(el) {
    var m = el.querySelector("svg.marks, canvas.marks");
    return m ? m.getBoundingClientRect().width : 0;
  }

  function room(el) {
    return el.clientWidth || (el.parentNode && el.parentNode.clientWidth) || 0;
  }

  var realEmbed = null;

  function options(el, spec, opts) {
    var o = Object.assign({}, opts || {});
    /* no "Open in Vega Editor" (it sends the chart to a web site) and no developer views */
    o.actions = { export: true, source: false, compiled: false, editor: false };
    o.downloadFileName = slug(titleText(spec) || el.id);
    return o;
  }

  function finalize(el) {
    if (el.tfResult && el.tfResult.finalize) {
      try { el.tfResult.finalize(); } catch (e) { /* already gone */ }
    }
  }

  /* Draw `spec` in `el` so that it fits: as it is; stacked and narrowed when it has panels; and
     scaled down (CSS) if it still does not fit. */
  function draw(el, spec, opts) {
    var width = room(el);
    el.tfWidth = width;
    el.classList.remove("tf-scaled");
    function embed(s) {
      finalize(el);
      return realEmbed(el, s, options(el, spec, opts)).then(function (result) {
        el.tfResult = result;
        return result;
      });
    }
    var chain = embed(spec);
    if (isMulti(spec)) {
      chain = chain.then(function (result) {
        var w = drawnWidth(el);
        if (w <= width + 1) return result;
        var s = stacked(spec);
        return embed(s).then(function (r2) {
          var w2 = drawnWidth(el);
          if (w2 <= width + 1) return r2;
          return embed(narrowed(s, w2 - width + 4));
        });
      });
    }
    return chain.then(function (result) {
      if (drawnWidth(el) > width + 1) el.classList.add("tf-scaled");  /* CSS: scaled to the column */
      el.tfView = result.view;
      el.tfSpec = spec;
      try {
        formatSliders(el, spec);
        addReset(el, result.view);
        addDownloads(el, spec);
        describe(el, spec);
        var bindings = el.querySelector(".vega-bindings");
        if (bindings && !bindings.tfListening) {
          bindings.tfListening = true;
          var t = null;
          bindings.addEventListener("input", function () {
            clearTimeout(t);
            t = setTimeout(function () { describe(el, spec); }, 150);
          });
        }
      } catch (e) {
        /* the chart is drawn; the extras are a convenience */
      }
      return result;
    });
  }

  /* Refit when a column's width changes. Single views follow the window's resize event (Vega-Lite
     reads the container's width then); charts with panels are drawn again. */
  var observer = null;
  var resizePending = false;
  function watch(el, spec, opts) {
    if (!window.ResizeObserver) return;
    if (!observer) {
      observer = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) {
          var node = entry.target;
          var w = room(node);
          if (!node.tfSpec || Math.abs(w - (node.tfWidth || 0)) < 1) return;
          node.tfWidth = w;
          if (isMulti(node.tfSpec)) {
            clearTimeout(node.tfRefit);
            node.tfRefit = setTimeout(function () { draw(node, node.tfSpec, node.tfOpts); }, 120);
          } else if (!resizePending) {
            resizePending = true;
            requestAnimationFrame(function () {
              resizePending = false;
              window.dispatchEvent(new Event("resize"));
            });
          }
        });
      });
    }
    el.tfOpts = opts;
    observer.observe(el);
  }

  function node(el) { return typeof el === "string" ? document.querySelector(el) : el; }

  function embedOne(el, spec, opts) {
    var target = node(el);
    if (!target) return realEmbed(el, spec, opts);
    return draw(target, spec, opts).then(function (result) {
      watch(target, spec, opts);
      return result;
    });
  }

  function start() {
    var current = window.vegaEmbed;
    if (!current || current.tfQueue) return false;  /* the bundle is not there */
    realEmbed = current;
    var wrapped = function (el, spec, opts) { return embedOne(el, spec, opts); };
    Object.keys(current).forEach(function (k) { wrapped[k] = current[k]; });
    window.vegaEmbed = wrapped;
    var queue = window.tfChartQueue || [];
    window.tfChartQueue = [];
    var drawing = queue.map(function (item) {
      return embedOne(item[0], item[1], item[2]).then(item[3], function (err) { item[4](err); throw err; });
    });
    Promise.all(drawing.map(function (p) { return p.catch(function () { return null; }); })).then(function () {
      window.tfChartsDrawn = performance.now();
      document.dispatchEvent(new Event("tf-charts-drawn"));
    });
    return true;
  }

  /* Print (the PDF): the column is narrower on paper; refit to it. */
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    var onPrint = function () { window.dispatchEvent(new Event("resize")); };
    if (print.addEventListener) print.addEventListener("change", onPrint);
  }

  if (!start()) {
    /* the bundle loads after this file: take it when it sets vegaEmbed */
    var pending = window.vegaEmbed;
    Object.defineProperty(window, "vegaEmbed", {
      configurable: true,
      enumerable: true,
      get: function () { return pending; },
      set: function (v) {
        Object.defineProperty(window, "vegaEmbed", { configurable: true, enumerable: true, writable: true, value: v });
        if (!v.tfQueue) start();
      },
    });
  }
})();
