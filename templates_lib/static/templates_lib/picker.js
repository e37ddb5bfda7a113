// Reply template picker: ⚡ button or "/" in the reply box, fuzzy search (server side),
// arrow keys + Enter, inserts the rendered template at the cursor. Unfilled {{ … }}
// placeholders are marked and a form holding them is not submitted.
(function () {
  "use strict";
  if (window.SellerDeskTemplatePicker) return;
  var PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

  function pickerFor(field) {
    if (!field || !field.id) return null;
    return document.querySelector('[data-tpl-picker][data-field="' + CSS.escape(field.id) + '"]');
  }
  function fieldOf(picker) { return document.getElementById(picker.dataset.field); }
  function popoverOf(picker) { return picker.querySelector(".tpl-picker-popover"); }
  function queryOf(picker) { return picker.querySelector("[data-tpl-picker-query]"); }
  function options(picker) { return Array.prototype.slice.call(picker.querySelectorAll(".tpl-picker-option")); }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function variables(picker) {
    var node = document.getElementById(picker.dataset.field + "-tpl-vars");
    if (!node) return {};
    try { var value = JSON.parse(node.textContent); return value && typeof value === "object" ? value : {}; }
    catch (e) { return {}; }
  }

  function open(picker, slashAt) {
    var field = fieldOf(picker), popover = popoverOf(picker), query = queryOf(picker);
    picker._state = {
      slashAt: typeof slashAt === "number" ? slashAt : null,
      start: field ? field.selectionStart : 0,
      end: field ? field.selectionEnd : 0
    };
    popover.hidden = false;
    place(picker);
    picker.querySelector("[data-tpl-picker-open]").setAttribute("aria-expanded", "true");
    query.value = "";
    query.focus();
    if (window.htmx) window.htmx.trigger(query, "tpl-picker-open");
  }

  // The popover sits next to the reply box (below it, or above when the window has no room),
  // wherever the include was placed in the page.
  function place(picker) {
    var field = fieldOf(picker), popover = popoverOf(picker);
    if (!field || popover.hidden) return;
    var rect = field.getBoundingClientRect();
    var height = Math.min(popover.offsetHeight || 360, 420);
    popover.style.position = "fixed";
    popover.style.left = Math.max(8, Math.min(rect.left, window.innerWidth - popover.offsetWidth - 8)) + "px";
    if (window.innerHeight - rect.bottom >= height + 8 || rect.top < height + 8) {
      popover.style.top = Math.min(rect.bottom + 4, window.innerHeight - height - 8) + "px";
      popover.style.bottom = "auto";
    } else {
      popover.style.top = "auto";
      popover.style.bottom = (window.innerHeight - rect.top + 4) + "px";
    }
  }
  function placeOpen() {
    document.querySelectorAll("[data-tpl-picker]").forEach(place);
  }
  window.addEventListener("resize", placeOpen);
  window.addEventListener("scroll", placeOpen, true);

  function close(picker, refocus) {
    var popover = popoverOf(picker);
    if (popover.hidden) return;
    popover.hidden = true;
    picker.querySelector("[data-tpl-picker-open]").setAttribute("aria-expanded", "false");
    if (refocus) { var field = fieldOf(picker); if (field) field.focus(); }
  }

  function activate(picker, index) {
    var list = options(picker);
    if (!list.length) return;
    index = (index + list.length) % list.length;
    list.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    list[index].scrollIntoView({ block: "nearest" });
    queryOf(picker).setAttribute("aria-activedescendant", list[index].id);
  }

  function activeIndex(picker) {
    return options(picker).findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
  }

  function markUnresolved(field) {
    var picker = pickerFor(field);
    if (!picker) return [];
    var names = [], match;
    PLACEHOLDER.lastIndex = 0;
    while ((match = PLACEHOLDER.exec(field.value)) !== null) {
      if (names.indexOf(match[1]) === -1) names.push(match[1]);
    }
    var note = picker.querySelector("[data-tpl-picker-note]");
    field.classList.toggle("tpl-unresolved", names.length > 0);
    if (names.length) {
      field.setAttribute("aria-invalid", "true");
      field.dataset.tplUnresolved = names.join(",");
      note.textContent = picker.dataset.msgFill + " " + names.map(function (n) { return "{{ " + n + " }}"; }).join(", ");
      note.hidden = false;
    } else {
      if (field.dataset.tplUnresolved !== undefined) field.removeAttribute("aria-invalid");
      delete field.dataset.tplUnresolved;
      note.textContent = "";
      note.hidden = true;
    }
    return names;
  }

  function insert(picker, templateId) {
    var field = fieldOf(picker), state = picker._state || {};
    var body = new FormData();
    body.append("template", templateId);
    body.append("channel", picker.dataset.channel || "");
    body.append("variables", JSON.stringify(variables(picker)));
    fetch(picker.dataset.insertUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return { error: response.statusText || "Error" }; });
    }).then(function (data) {
      close(picker, false);
      if (data.error) {
        var note = picker.querySelector("[data-tpl-picker-note]");
        note.textContent = data.error; note.hidden = false;
        field.focus();
        return;
      }
      var start = state.start, end = state.end;
      if (state.slashAt !== null && field.value.charAt(state.slashAt) === "/") {
        start = state.slashAt; end = state.slashAt + 1;
      }
      start = Math.min(start, field.value.length); end = Math.min(Math.max(end, start), field.value.length);
      field.focus();
      field.setRangeText(data.text, start, end, "end");
      var insertedEnd = start + data.text.length;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      // select the first blank so the seller can type over it
      PLACEHOLDER.lastIndex = 0;
      var inserted = field.value.slice(start, insertedEnd), hole = PLACEHOLDER.exec(inserted);
      if (hole) field.setSelectionRange(start + hole.index, start + hole.index + hole[0].length);
      else field.setSelectionRange(insertedEnd, insertedEnd);
    });
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-tpl-picker-open]");
    if (opener) {
      event.preventDefault();
      var picker = opener.closest("[data-tpl-picker]");
      if (popoverOf(picker).hidden) open(picker, null); else close(picker, true);
      return;
    }
    var option = event.target.closest(".tpl-picker-option");
    if (option) {
      event.preventDefault();
      insert(option.closest("[data-tpl-picker]"), option.dataset.templateId);
      return;
    }
    document.querySelectorAll("[data-tpl-picker]").forEach(function (picker) {
      if (!picker.contains(event.target)) close(picker, false);
    });
  });

  document.addEventListener("keydown", function (event) {
    var query = event.target.closest && event.target.closest("[data-tpl-picker-query]");
    if (!query) return;
    var picker = query.closest("[data-tpl-picker]");
    if (event.key === "ArrowDown") { event.preventDefault(); activate(picker, activeIndex(picker) + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); activate(picker, activeIndex(picker) - 1); }
    else if (event.key === "Enter") {
      event.preventDefault();
      var list = options(picker), index = activeIndex(picker);
      if (list.length) insert(picker, list[Math.max(index, 0)].dataset.templateId);
    } else if (event.key === "Escape") { event.preventDefault(); close(picker, true); }
  });

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLTextAreaElement || field instanceof HTMLInputElement)) return;
    var picker = pickerFor(field);
    if (!picker) return;
    markUnresolved(field);
    if (event.inputType === "insertText" && event.data === "/") {
      var at = field.selectionStart - 1;
      var before = at > 0 ? field.value.charAt(at - 1) : "";
      if (at >= 0 && (before === "" || /\s/.test(before))) open(picker, at);
    }
  });

  // Keep the first option highlighted after every search.
  document.addEventListener("htmx:afterSwap", function (event) {
    var picker = event.target.closest && event.target.closest("[data-tpl-picker]");
    if (picker) { activate(picker, 0); place(picker); }
  });

  function refuse(field, event) {
    event.preventDefault();
    event.stopImmediatePropagation();
    var picker = pickerFor(field), note = picker.querySelector("[data-tpl-picker-note]");
    note.textContent = picker.dataset.msgRefused + " " + (note.textContent || "");
    note.hidden = false;
    field.focus();
    PLACEHOLDER.lastIndex = 0;
    var hole = PLACEHOLDER.exec(field.value);
    if (hole) field.setSelectionRange(hole.index, hole.index + hole[0].length);
  }

  function unresolvedFieldIn(form) {
    if (!form) return null;
    var pickers = document.querySelectorAll("[data-tpl-picker]");
    for (var i = 0; i < pickers.length; i++) {
      var field = fieldOf(pickers[i]);
      if (field && (field.form === form || form.contains(field)) && markUnresolved(field).length) return field;
    }
    return null;
  }

  // Sending with a blank is refused here for convenience; the server's reply guard refuses it too.
  document.addEventListener("submit", function (event) {
    var field = unresolvedFieldIn(event.target);
    if (field) refuse(field, event);
  }, true);
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    var submitting = elt.tagName === "FORM" || (elt.type === "submit" && elt.form);
    if (!submitting) return;
    var field = unresolvedFieldIn(elt.tagName === "FORM" ? elt : elt.form);
    if (field) refuse(field, event);
  });

  // A reply box rendered with blanks in it (e.g. after a refused send) is marked at once.
  function markAll() {
    document.querySelectorAll("[data-tpl-picker]").forEach(function (picker) {
      var field = fieldOf(picker);
      if (field) markUnresolved(field);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", markAll);
  else markAll();
  document.addEventListener("htmx:afterSettle", markAll);

  window.SellerDeskTemplatePicker = { open: open, close: close, markUnresolved: markUnresolved };
})();
