// Every form keeps what she types in this browser as she types it, and gives it back after a
// reload or after signing in again (a timeout sends her to sign-in and back to the form's page).
// A post that went through is marked on the next page (body data-saved-form, set by the
// server's once()), and the kept copy is dropped then. Never kept: the CSRF token, the form's
// key, passwords, PINs, one-time codes, Aadhaar numbers, files, or a field marked data-no-keep.
var BahiKeep = (function () {
  var PREFIX = "bahi.draft:";
  var SECRET = /pass|pin|otp|aadhaar|access_key|csrf|form_key/i;
  var SKIPPED = { hidden: 1, password: 1, file: 1, submit: 1, button: 1, reset: 1 };

  function keyOf(path, form, index) { return PREFIX + path + "#" + (form.id || "form" + index); }
  function kept(element) {
    return element.name && !SKIPPED[element.type] && !SECRET.test(element.name) &&
      element.autocomplete !== "one-time-code" && !element.closest("[data-no-keep]");
  }
  function slot(element) {
    return element.type === "checkbox" || element.type === "radio" ? element.name + "=" + element.value : element.name;
  }
  function read(element) { return element.type === "checkbox" || element.type === "radio" ? element.checked : element.value; }
  function write(element, value) {
    if (element.type === "checkbox" || element.type === "radio") element.checked = value; else element.value = value;
  }
  function fieldsOf(form) { return Array.prototype.filter.call(form.elements, kept); }

  function copyOf(form) {
    var fields = {};
    fieldsOf(form).forEach(function (e) { fields[slot(e)] = read(e); });
    return fields;
  }
  function put(key, fields) {
    try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), fields: fields })); } catch (full) { /* not kept */ }
  }
  function save(form, key) { put(key, copyOf(form)); }
  function forget(key) { localStorage.removeItem(key); }
  function forgetPage(path) {
    Object.keys(localStorage).forEach(function (k) { if (k.indexOf(PREFIX + path + "#") === 0) forget(k); });
  }

  function note(form, key, at) {
    var words = document.getElementById("words").dataset;
    var p = document.createElement("p"), clear = document.createElement("button");
    p.className = "flash kept noprint"; p.setAttribute("role", "status");
    p.textContent = words.restored.replace("{time}", new Date(at).toLocaleString(document.documentElement.lang)) + " ";
    clear.type = "button"; clear.className = "plain"; clear.textContent = words.clear;
    clear.addEventListener("click", function () { forget(key); form.reset(); p.remove(); });
    p.appendChild(clear);
    form.parentNode.insertBefore(p, form);
  }

  function restore(form, key) {
    var copy; try { copy = JSON.parse(localStorage.getItem(key)); } catch (bad) { copy = null; }
    if (!copy || !copy.fields) return;
    var changed = false;
    fieldsOf(form).forEach(function (e) {
      var s = slot(e);
      if (s in copy.fields && read(e) !== copy.fields[s]) { write(e, copy.fields[s]); changed = true; }
    });
    if (changed) {
      form.dispatchEvent(new Event("input", { bubbles: true }));  // running totals redrawn
      note(form, key, copy.at);
    }
  }

  function start() {
    var path = location.pathname;
    var saved = document.body.dataset.savedForm;
    if (saved) forgetPage(saved);
    document.querySelectorAll("form[method=post]").forEach(function (form, index) {
      if (form.hasAttribute("data-no-keep") || !fieldsOf(form).length) return;
      var key = keyOf(path, form, index);
      restore(form, key);
      form.addEventListener("input", function () { save(form, key); });
      form.addEventListener("change", function () { save(form, key); });
    });
  }
  document.addEventListener("DOMContentLoaded", start);
  return {
    copyOf: copyOf,
    forgetPage: forgetPage,
    // Put a copy back for a form's page (a queued post the server refused, to put right there).
    putBack: function (path, formId, fields) { put(PREFIX + path + "#" + formId, fields); },
  };
})();
