// Checkout by Card: Stripe.js saves the card (a SetupIntent on a Customer made for this
// order) and the form then posts only the SetupIntent's id. No card number reaches us.
(function () {
  "use strict";
  var form = document.getElementById("checkout");
  if (!form || !form.dataset.stripeKey || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.stripeKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var method = document.getElementById("payment_method");
  var cardField = document.getElementById("card-field");
  var errorBox = document.getElementById("card-error");
  var setupIntent = document.getElementById("setup_intent");
  var button = form.querySelector("button[type=submit]");

  function showCard() { cardField.hidden = method.value !== "Card"; }
  method.addEventListener("change", showCard);
  showCard();

  function fail(message) {
    errorBox.textContent = message;
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    if (method.value !== "Card" || setupIntent.value) { return; }
    event.preventDefault();
    button.disabled = true;  // pressed twice: one card setup, one order
    errorBox.textContent = "";
    var body = new FormData();
    body.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    body.append("once", form.querySelector("input[name=once]").value);
    body.append("email", document.getElementById("email").value);
    fetch(form.dataset.cardSetup, {method: "POST", body: body, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (setup) {
        if (setup.error) { throw new Error(setup.error); }
        return stripe.confirmCardSetup(setup.client_secret, {payment_method: {card: card}})
          .then(function (result) {
            if (result.error) { throw new Error(result.error.message || "Your card was declined"); }
            setupIntent.value = setup.setup_intent;
            form.submit();
          });
      })
      .catch(function (error) { fail(error.message || "Your card could not be saved"); });
  });
}());
