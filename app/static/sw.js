// The service worker: keeps the pages she opened, and the stylesheet and scripts, so that with
// no connection a page she had open (the meeting register above all) still opens, and a
// register filled then waits in the queue (outbox.js). Always the network first: what is kept
// is only for when there is none. Pages are kept only when the server marks them (Bahi-Offline:
// keep, a bookkeeper's or admin's HTML pages; never a bank officer's, whose every read is
// logged); the sign-in page drops them (outbox.js), so a shared phone keeps no one's books after
// signing out. Nothing is kept from the API, downloads or posts.
var SHELL = "bahi-shell", PAGES = "bahi-pages";
var STATIC = ["/static/bahi.css", "/static/bahi.js", "/static/keep.js", "/static/outbox.js", "/static/register.js"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(STATIC); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function keepable(response, store) {
  if (!response.ok || response.redirected) return false;
  return store === SHELL || response.headers.get("Bahi-Offline") === "keep";
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  var store = url.pathname.indexOf("/static/") === 0 ? SHELL : PAGES;
  event.respondWith(fetch(request).then(function (response) {
    if (keepable(response, store)) {
      var copy = response.clone();
      caches.open(store).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }, function () {
    // A page kept offline names its static files by version (?v=); the copy kept at install
    // has none, and is the same file until the next version installs a new worker.
    var options = store === SHELL ? { ignoreSearch: true } : undefined;
    return caches.match(request, options).then(function (kept) { return kept || Response.error(); });
  }));
});
