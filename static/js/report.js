// Progressive enhancement for the complaint form; the form works without it.
(function () {
  "use strict";
  var tz = document.querySelector('input[name="timezone"], input[name="complete-timezone"]');
  try {
    if (tz && !tz.value) tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) { /* older browsers: the server falls back to the language's zone */ }
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  var form = document.querySelector("form[data-focus]");
  if (form) {
    var row = document.getElementById(form.getAttribute("data-focus"));
    if (row) row.focus();
  }
  // Show deadlines in the reader's own time zone.
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (!isNaN(d)) {
      el.textContent = d.toLocaleString(document.documentElement.lang || undefined, {
        dateStyle: "full", timeStyle: "short"
      });
    }
  });
})();
