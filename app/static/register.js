// The meeting register's running totals as figures are typed, like the register's last line.
// The server checks every figure again; this only helps the eye. A file of its own, not an
// inline <script>, so the pages' Content-Security-Policy can refuse every inline script.
(function () {
  var form = document.getElementById("register");
  // Read as the server reads it (app/web/amounts.py): 1,500 or 1,50,000, ₹ or Rs. before, /-
  // after, Devanagari or Odia digits; anything else counts nothing (the server will say why).
  function digit(offset) { return function (d) { return String(d.charCodeAt(0) - offset); }; }
  function paise(text) {
    var t = String(text).trim().replace(/[\u0966-\u096F]/g, digit(0x966)).replace(/[\u0B66-\u0B6F]/g, digit(0xB66));
    t = t.replace(/^(?:\u20B9|rs\.?|inr|\u0930\u0941\.?)\s*/i, "").replace(/\s*\/-$/, "");
    var m = /^(\d+|\d{1,2}(?:,\d{2})*,\d{3}|\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?$/.exec(t);
    return m ? (+m[1].replace(/,/g, "")) * 100 + +((m[2] || "0") + "0").slice(0, 2) : 0;
  }
  function inr(p) { var r = String(Math.floor(p / 100)), t = r.slice(-3), h = r.slice(0, -3);
    if (h) t = h.replace(/\B(?=(\d{2})+(?!\d))/g, ",") + "," + t; return "₹" + t + "." + String(p % 100).padStart(2, "0"); }
  function update() {
    document.querySelectorAll("[data-total]").forEach(function (cell) {
      var sum = 0; form.querySelectorAll("input[name$='-" + cell.dataset.total + "']").forEach(function (i) { sum += paise(i.value); });
      cell.textContent = inr(sum);
    });
  }
  // "Paid as due" fills in the amount due, a figure she can see and change, never a grey hint
  // that would post nothing; untick it and the amount goes, unless she has changed it since.
  function dueOf(tick) {
    var select = tick.closest("td").querySelector("select");
    return select ? select.selectedOptions[0].dataset.due : tick.dataset.due;
  }
  form.addEventListener("change", function (event) {
    var cell = event.target.closest("td"), tick = cell && cell.querySelector("[data-paid-as-due]");
    if (!tick || event.target.classList.contains("money")) return;
    var amount = cell.querySelector("input.money");
    if (tick.checked) amount.value = dueOf(tick);  // ticked, or another loan chosen
    else if (event.target === tick && amount.value === dueOf(tick)) amount.value = "";
    update();
  });
  form.addEventListener("input", update); update();
})();
