// What the pages do in the browser besides the meeting register's totals (register.js).
// Here rather than in onclick/onsubmit attributes: the pages' Content-Security-Policy refuses
// every inline script, handlers in attributes included.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
// A form with data-confirm asks before it is sent (reversing a meeting, say).
document.addEventListener("submit", function (event) {
  var question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
