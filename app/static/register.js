// The meeting register's running totals as figures are typed, like the register's last line.
// The server checks every figure again; this only helps the eye. A file of its own, not an
// inline <script>, so the pages' Content-Security-Policy can refuse every inline script.
(function () {
  var form = document.getElementById("register");
  function paise(text) { var m = /^\s*(\d+)(?:\.(\d{1,2}))?\s*$/.exec(text); return m ? (+m[1]) * 100 + +((m[2] || "0") + "0").slice(0, 2) : 0; }
  function inr(p) { var r = String(Math.floor(p / 100)), t = r.slice(-3), h = r.slice(0, -3);
    if (h) t = h.replace(/\B(?=(\d{2})+(?!\d))/g, ",") + "," + t; return "₹" + t + "." + String(p % 100).padStart(2, "0"); }
  function update() {
    document.querySelectorAll("[data-total]").forEach(function (cell) {
      var sum = 0; form.querySelectorAll("input[name$='-" + cell.dataset.total + "']").forEach(function (i) { sum += paise(i.value); });
      cell.textContent = inr(sum);
    });
  }
  form.addEventListener("input", update); update();
})();
