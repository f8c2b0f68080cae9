// The Print button of the packing slip and invoice (the CSP allows no inline script).
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
