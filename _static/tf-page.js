/* The Token Factory: what every page gets (small, deferred, offline).
 *
 * - The menu (☰) and "On this page" buttons open their drawers. pydata-sphinx-theme 0.17 binds
 *   its drawers to the FIRST `.primary-toggle` / `.secondary-toggle` of the page, which in
 *   sphinx-book-theme 1.3 is a button of the hidden top bar; the buttons a reader sees did nothing
 *   (pydata-sphinx-theme issue 2451). Each visible button now clicks the bound one.
 * - Boxes that scroll sideways (wide tables) can be reached and scrolled with the keyboard.
 * - Links written relative to the site's root (the footer's) point right from every page.
 */
(function () {
  "use strict";

  function bindToggles() {
    [".primary-toggle", ".secondary-toggle"].forEach(function (selector) {
      var bound = document.querySelector(selector);  /* the one the theme listens to */
      if (!bound) return;
      Array.prototype.forEach.call(document.querySelectorAll(selector), function (button) {
        if (button === bound || button.tfBound) return;
        button.tfBound = true;
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopImmediatePropagation();
          button.blur();  /* a tapped button keeps its tooltip over the search icon otherwise */
          bound.click();
        }, true);
      });
    });
  }

  function focusableScrollers() {
    var boxes = document.querySelectorAll(
      ".bd-article .pst-scrollable-table-container, .bd-article .cell_output .text_html, .bd-article .tf-scroll, " +
      ".bd-article table.tf-table, .bd-article table.tf-params, .bd-article pre, .bd-article .table-wrapper");
    Array.prototype.forEach.call(boxes, function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-tf-scroll", "");
        if (!box.hasAttribute("role") && box.tagName !== "TABLE" && box.tagName !== "PRE") {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", "Scrollable content (use the arrow keys)");
        }
      } else if (!scrolls && box.hasAttribute("data-tf-scroll")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-tf-scroll");
      }
    });
  }

  function rootLinks() {
    var root = document.documentElement.getAttribute("data-content_root");
    if (root === null) return;
    Array.prototype.forEach.call(document.querySelectorAll("a[data-tf-root]"), function (a) {
      a.setAttribute("href", root + a.getAttribute("data-tf-root"));
    });
  }

  function start() {
    rootLinks();
    bindToggles();
    focusableScrollers();
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(focusableScrollers, 200);
    });
    window.addEventListener("load", focusableScrollers);
    document.addEventListener("tf-charts-drawn", focusableScrollers);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
