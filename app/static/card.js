// Card payments through Stripe.js; no card number reaches our server.
//
// A form that pays by card (checkout, or `Pay now` on the status page): Stripe.js saves
// the card (a SetupIntent on a Customer made for the order; the shopper's bank may ask
// them to confirm it) and the form then posts only the SetupIntent's id.
//
// A payment the shopper's bank asks them to confirm (3-D Secure): Stripe.js asks, as
// soon as the page opens (or when `Confirm payment` is pressed), then the form posts the
// PaymentIntent's id and the server asks Stripe whether it succeeded.
(function () {
  "use strict";
  if (typeof Stripe === "undefined") { return; }

  var confirmForm = document.querySelector("form[data-confirm-payment]");
  if (confirmForm) {
    var confirmer = Stripe(confirmForm.dataset.stripeKey);
    var confirmButton = confirmForm.querySelector("button[type=submit]");
    var asked = false;
    var confirmPayment = function (event) {
      if (event) { event.preventDefault(); }
      if (asked) { return; }
      asked = true;  // once: a second press would ask the bank again
      confirmButton.disabled = true;
      var post = function () { confirmForm.submit(); };  // the server asks Stripe how it went
      confirmer.confirmCardPayment(confirmForm.dataset.confirmPayment).then(post, post);
    };
    confirmForm.addEventListener("submit", confirmPayment);
    confirmPayment();
  }

  var form = document.querySelector("form[data-card-setup]");
  if (!form) { return; }
  var stripe = Stripe(form.dataset.stripeKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var method = form.querySelector("#payment_method");  // checkout only: Card or Bank deposit
  var cardField = document.getElementById("card-field");
  var errorBox = document.getElementById("card-error");
  var setupIntent = form.querySelector("input[name=setup_intent]");
  var button = form.querySelector("button[type=submit]");
  var byCard = function () { return !method || method.value === "Card"; };

  if (method) {
    var showCard = function () { cardField.hidden = !byCard(); };
    method.addEventListener("change", showCard);
    showCard();
  }

  function fail(message) {
    errorBox.textContent = message;
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    if (!byCard() || setupIntent.value) { return; }
    event.preventDefault();
    button.disabled = true;  // pressed twice: one card setup, one payment
    errorBox.textContent = "";
    var body = new FormData();
    body.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    body.append("once", form.querySelector("input[name=once]").value);
    var email = form.querySelector("#email");
    if (email) { body.append("email", email.value); }
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
