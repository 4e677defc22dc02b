// Keyboard shortcuts of the queue and the case page, and the evidence view toggle without
// a page reload. Every action is also a plain link, button or form: the pages work without it.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function shortcutMessage(name) {
    var box = document.getElementById("shortcuts");
    return (box && box.getAttribute(name)) || "";
  }

  function say(text) {
    var live = document.getElementById("shortcut-status");
    if (live) live.textContent = text;
  }

  // --- The queue: j/k move, Enter opens (the row's link has focus), c claims, n opens the next free case.
  var table = document.getElementById("queue-table");
  var rows = table ? Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-reference]")) : [];
  var current = -1;

  function select(index) {
    if (!rows.length) return;
    if (current >= 0 && rows[current]) rows[current].classList.remove("selected");
    current = Math.max(0, Math.min(rows.length - 1, index));
    var row = rows[current];
    row.classList.add("selected");
    var link = row.querySelector("a.case-link");
    if (link) link.focus();
  }

  function selectedRow() {
    var focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest("tr[data-reference]") : null;
    if (focused) current = rows.indexOf(focused);
    return current >= 0 ? rows[current] : null;
  }

  var queueKeys = {
    j: function () { select(current + 1); },
    k: function () { select(current - 1); },
    c: function () {
      var row = selectedRow() || rows[0];
      var form = row && row.querySelector("form.claim-form");
      if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
      else say(shortcutMessage("data-msg-no-claim"));
    },
    n: function () {
      var next = document.getElementById("next-case");
      if (next) window.location.href = next.href;
    }
  };

  // --- The case page: n next case, c claim, r reveal evidence, d decide, m write a reply.
  var caseKeys = {
    n: function () {
      var next = document.getElementById("next-case");
      if (next) window.location.href = next.href;
    },
    c: function () {
      var button = document.getElementById("claim-button");
      if (button) button.click();
      else say(shortcutMessage("data-msg-no-claim"));
    },
    r: function () {
      var all = Array.prototype.slice.call(document.querySelectorAll("#evidence details.sensitive"));
      if (!all.length) return;
      var open = all.some(function (d) { return !d.open; });
      all.forEach(function (d) { d.open = open; });
      all[0].querySelector("summary").focus();
    },
    d: function () {
      var fields = document.getElementById("decide-fields");
      if (!fields) return;
      if (fields.disabled) {
        var locked = document.getElementById("decide-locked");
        if (locked) { say(locked.textContent); locked.scrollIntoView(); }
        return;
      }
      var first = fields.querySelector("select, input, textarea");
      if (first) first.focus();
    },
    m: function () {
      var reply = document.getElementById("reply-body");
      if (reply) reply.focus();
    }
  };

  var keys = table ? queueKeys : (document.getElementById("conversation") ? caseKeys : null);
  if (keys) {
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typing(event.target)) return;
      var action = keys[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    });
    document.documentElement.setAttribute("data-shortcuts", "on");
  }

  // --- Evidence shown blurred and grey, or clearly: the choice is stored on the server.
  var form = document.getElementById("evidence-view-form");
  var section = document.getElementById("evidence");
  if (form && section && window.fetch) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin",
                           headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
        .then(function (result) {
          var clear = !!result.clear;
          section.classList.toggle("evidence-clear", clear);
          section.classList.toggle("evidence-protected", !clear);
          form.querySelector('input[name="clear"]').value = clear ? "0" : "1";
          var button = document.getElementById("evidence-view-toggle");
          button.textContent = button.getAttribute(clear ? "data-protect-label" : "data-clear-label");
          var state = document.getElementById("evidence-view-state-text");
          if (state) state.textContent = state.getAttribute(clear ? "data-clear-text" : "data-protect-text");
        })
        .catch(function () { form.submit(); });
    });
  }
})();
