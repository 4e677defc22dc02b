// The reader's time zone: remembered for the server (cookie "tz") and used at once to
// rewrite the times on the page, in the same form the server writes them:
// "2026-12-03 20:15 (Asia/Shanghai)". Without JavaScript the server uses the language's zone.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
  document.querySelectorAll('input[name="timezone"], input[name$="-timezone"]').forEach(function (input) {
    if (!input.value) input.value = zone;
  });
  var format;
  try {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    });
  } catch (e) { return; }
  function part(parts, type) {
    for (var i = 0; i < parts.length; i++) if (parts[i].type === type) return parts[i].value;
    return "";
  }
  document.querySelectorAll("time[data-when]").forEach(function (el) {
    if (el.getAttribute("data-zone") === zone) return;
    var moment = new Date(el.getAttribute("datetime"));
    if (isNaN(moment)) return;
    var p = format.formatToParts(moment);
    var day = part(p, "year") + "-" + part(p, "month") + "-" + part(p, "day");
    var text = el.getAttribute("data-when") === "date" ? day : day + " " + part(p, "hour") + ":" + part(p, "minute");
    el.textContent = text + " (" + zone + ")";
    el.setAttribute("data-zone", zone);
  });
})();
