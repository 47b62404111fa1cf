// The service worker: keeps the pages she opened, and the stylesheet and scripts, so that with
// no connection a page she had open (the meeting register above all) still opens, and a
// register filled then waits in the queue (outbox.js). Always the network first: what is kept
// is only for when there is none. Pages are kept only as the signed-in pages give them (HTML,
// 200); the sign-in page drops them (outbox.js), so a shared phone keeps no one's books after
// signing out. Nothing is kept from the API, downloads or posts.
var SHELL = "bahi-shell", PAGES = "bahi-pages";
var STATIC = ["/static/bahi.css", "/static/bahi.js", "/static/keep.js", "/static/outbox.js", "/static/register.js"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(STATIC); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function keepable(response) {
  var type = response.headers.get("Content-Type") || "";
  return response.ok && !response.redirected && /^(text\/html|text\/css|text\/javascript|application\/javascript)/.test(type);
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  var store = url.pathname.indexOf("/static/") === 0 ? SHELL : PAGES;
  event.respondWith(fetch(request).then(function (response) {
    if (keepable(response)) {
      var copy = response.clone();
      caches.open(store).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }, function () {
    return caches.match(request).then(function (kept) { return kept || Response.error(); });
  }));
});
