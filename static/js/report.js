// Progressive enhancement for the complaint form; the form works without it.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  var focusForm = document.querySelector("form[data-focus]");
  if (focusForm) {
    var row = document.getElementById(focusForm.getAttribute("data-focus"));
    if (row) row.focus();
  }

  // Nothing typed is lost: the complaint form's fields are kept in this tab's
  // sessionStorage while it is being filled in (a reload, the back button, the other
  // language), and forgotten once the report is sent.
  var KEY = "takedown-report-draft";
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!store) return;
  if (document.querySelector("[data-report-sent]")) { store.removeItem(KEY); return; }
  var form = document.getElementById("report-form");
  if (!form) return;
  var SKIP = { csrfmiddlewaretoken: 1, rows: 1, timezone: 1 };

  function keep(el) {
    return el.name && !SKIP[el.name] && el.type !== "file" && el.type !== "submit" && el.type !== "button";
  }
  function save() {
    var draft = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!keep(el)) return;
      if (el.type === "checkbox" || el.type === "radio") {
        draft[el.name] = draft[el.name] || [];
        if (el.checked) draft[el.name].push(el.value);
      } else {
        draft[el.name] = el.value;
      }
    });
    try { store.setItem(KEY, JSON.stringify(draft)); } catch (e) { /* storage full or refused */ }
  }
  function restore() {
    var draft;
    try { draft = JSON.parse(store.getItem(KEY) || "null"); } catch (e) { draft = null; }
    if (!draft) return;
    // A form the server has just shown again already holds what was sent: keep it.
    if (form.getAttribute("data-bound") === "1") return;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!keep(el) || !(el.name in draft)) return;
      var value = draft[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else if (typeof value === "string" && !el.value) {
        el.value = value;
      }
    });
  }
  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", save);
})();
