// With no connection, a form marked data-outbox (the meeting register) is not lost: posting it
// keeps it in a queue on this phone, with the form key it was drawn with, and the queue is sent
// when the connection is back (the "online" event, and every page load). A form key is sent
// once: if an earlier attempt did reach the server, once() answers with the first result, so
// nothing is recorded twice. A refusal is shown in the list and not retried; a signed-out
// session keeps the queue until she signs in. The service worker (sw.js) keeps the pages.
(function () {
  var QUEUE = "bahi.outbox", SENT = "bahi.outbox.sent", PAGES = "bahi-pages";
  var sending = false;

  function words() { return document.getElementById("words").dataset; }
  function load(name) { try { return JSON.parse(localStorage.getItem(name)) || []; } catch (bad) { return []; } }
  function store(name, list) { localStorage.setItem(name, JSON.stringify(list)); }
  function change(key, edit) {
    store(QUEUE, load(QUEUE).map(function (e) { if (e.key === key) edit(e); return e; })
      .filter(function (e) { return !e.gone; }));
  }
  function element(tag, className, text) {
    var e = document.createElement(tag); e.className = className || ""; e.textContent = text || ""; return e;
  }
  function say(text) {
    var box = document.getElementById("outbox"), p = element("p", "flash", text);
    p.setAttribute("role", "status"); box.parentNode.insertBefore(p, box);
  }

  function freshKey() {
    var bytes = new Uint8Array(16); crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  // A page the service worker kept carries the key it was drawn with: once that key is queued
  // or sent, filling the form again needs a key of its own.
  function renewUsedKeys() {
    var used = load(SENT).concat(load(QUEUE).map(function (e) { return e.key; }));
    document.querySelectorAll("form input[name=form_key]").forEach(function (input) {
      if (used.indexOf(input.value) >= 0) input.value = freshKey();
    });
  }

  function show() {
    var box = document.getElementById("outbox"), list = load(QUEUE), w = words();
    box.textContent = ""; box.hidden = !list.length;
    if (!list.length) return;
    box.appendChild(element("h2", "", w.waiting));
    var ul = box.appendChild(element("ul"));
    list.forEach(function (entry) {
      var li = ul.appendChild(element("li")), link = li.appendChild(element("a", "", entry.title));
      li.dataset.key = entry.key; link.href = entry.page;
      if (entry.state !== "waiting") li.appendChild(element("span", "state", " " + (entry.state === "refused" ? w.refused : w.signIn)));
      (entry.problems || []).forEach(function (p) { li.appendChild(element("span", "problem", p)); });
      if (entry.state === "refused") {
        var remove = li.appendChild(element("button", "plain", w.remove));
        remove.type = "button";
        remove.addEventListener("click", function () { change(entry.key, function (e) { e.gone = true; }); show(); });
      }
    });
  }

  // (form.action would be the register's button named "action", not the form's address.)
  function keep(form, submitter) {
    var data = new FormData(form, submitter), body = [];
    data.forEach(function (value, name) { if (name !== "csrf_token") body.push([name, value]); });
    var day = form.elements[form.dataset.outboxDate], list = load(QUEUE);
    list.push({
      key: data.get("form_key"), action: new URL(form.getAttribute("action") || "", location.href).pathname, page: location.pathname + location.search,
      form: form.id, title: form.dataset.outbox.replace("{date}", day ? day.value : ""),
      body: body, copy: BahiKeep.copyOf(form), state: "waiting",
    });
    store(QUEUE, list);
    BahiKeep.forgetPage(location.pathname);  // kept in the queue now, not as a draft
    form.reset(); form.dispatchEvent(new Event("input", { bubbles: true }));
    renewUsedKeys();
    say(words().kept);
    show();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset.outbox || navigator.onLine || event.defaultPrevented) return;
    event.preventDefault();
    if (event.submitter && event.submitter.value === "post") keep(form, event.submitter);
    else say(words().checkOffline);
  });

  function problemsIn(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var found = page.querySelectorAll("main .problem, main .flash.error, main li");
    if (!found.length) found = page.querySelectorAll("main h1, main h1 + p");
    return Array.prototype.map.call(found, function (e) { return e.textContent.trim(); });
  }

  function post(entry, csrf) {
    var body = new URLSearchParams([["csrf_token", csrf]].concat(entry.body));
    return fetch(entry.action, { method: "POST", body: body, credentials: "same-origin" }).then(function (answer) {
      if (new URL(answer.url).pathname === words().signInPage || answer.status === 400) {
        change(entry.key, function (e) { e.state = "sign-in"; });  // sent again once she is signed in
      } else if (answer.ok && answer.redirected) {
        change(entry.key, function (e) { e.gone = true; });
        store(SENT, load(SENT).concat([entry.key]).slice(-50));
        say(words().sent.replace("{what}", entry.title));
      } else {
        return answer.text().then(function (html) {
          change(entry.key, function (e) { e.state = "refused"; e.problems = problemsIn(html); });
          BahiKeep.putBack(entry.page.split("?")[0], entry.form, entry.copy);
        });
      }
    }, function () { /* still no connection: it stays waiting */ });
  }

  function send() {
    var list = load(QUEUE).filter(function (e) { return e.state !== "refused"; });
    var csrf = document.body.dataset.csrf;
    if (sending || !navigator.onLine || !list.length) return;
    if (!csrf) {  // signed out: kept until she signs in
      list.forEach(function (entry) { change(entry.key, function (e) { e.state = "sign-in"; }); });
      show();
      return;
    }
    sending = true;
    list.reduce(function (done, entry) { return done.then(function () { return post(entry, csrf); }); }, Promise.resolve())
      .then(function () { sending = false; show(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    renewUsedKeys();
    show();
    send();
    if (!document.body.dataset.csrf && window.caches) caches.delete(PAGES);  // signed out: pages dropped
    if ("serviceWorker" in navigator) navigator.serviceWorker.register(document.body.dataset.worker);
  });
  window.addEventListener("online", send);
})();
