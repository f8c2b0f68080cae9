// Checkout: the order summary says what the Delivery chosen will do. Without this script
// the field's help says what each choice does, so nothing depends on it.
(function () {
  "use strict";
  var select = document.getElementById("delivery");
  var split = document.getElementById("promise");
  var together = document.getElementById("promise-together");
  if (!select || !split || !together) {
    return;
  }
  function follow() {
    var asked = select.value === "Ship everything together";
    split.hidden = asked;
    together.hidden = !asked;
  }
  select.addEventListener("change", follow);
  follow();
})();
