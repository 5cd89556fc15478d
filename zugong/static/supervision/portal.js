/* The public portal's behaviour (the CSP forbids inline scripts; this file is the only script):
   show the "about whom" chooser of the chosen channel, solve the proof of work on submit, keep the
   reporter on the receipt page until the code is confirmed, print the receipt. */
(function () {
  "use strict";

  // The challenge's difficulty is in its signed payload: base64url JSON before the first ":".
  function challengeBits(challenge) {
    try {
      var payload = challenge.split(":")[0].replace(/-/g, "+").replace(/_/g, "/");
      while (payload.length % 4) { payload += "="; }
      return JSON.parse(atob(payload)).bits || 0;
    } catch (e) {
      return 0;
    }
  }

  function solve(challenge, done) {
    var lib = window.ZugongSha256;
    var bits = challengeBits(challenge);
    var prefix = lib.utf8(challenge);
    var nonce = 0;
    // Work in slices so the page stays responsive on slow phones.
    function slice() {
      for (var i = 0; i < 2000; i++, nonce++) {
        var digits = lib.utf8(String(nonce));
        var input = new Uint8Array(prefix.length + digits.length);
        input.set(prefix);
        input.set(digits, prefix.length);
        if (lib.leadingZeroBits(lib.sha256(input)) >= bits) { done(String(nonce)); return; }
      }
      window.setTimeout(slice, 0);
    }
    slice();
  }

  function setupPowForm(form) {
    var solved = false;
    form.addEventListener("submit", function (event) {
      if (solved) { return; }
      event.preventDefault();
      var challenge = form.querySelector("[name=pow_challenge]").value;
      var button = form.querySelector("[data-pow-submit]");
      var progress = form.querySelector("[data-pow-progress]");
      if (button) { button.disabled = true; }
      if (progress) { progress.classList.remove("zg-hidden"); }
      solve(challenge, function (nonce) {
        form.querySelector("[name=pow_nonce]").value = nonce;
        solved = true;
        form.submit();
      });
    });
  }

  function setupChannels(form) {
    var choices = form.querySelectorAll("[data-channel-choice]");
    var blocks = form.querySelectorAll("[data-for-channel]");
    function update() {
      var chosen = form.querySelector("[data-channel-choice]:checked");
      var value = chosen ? chosen.value : "";
      blocks.forEach(function (block) { block.hidden = block.getAttribute("data-for-channel") !== value; });
    }
    choices.forEach(function (choice) { choice.addEventListener("change", update); });
    update();
  }

  function setupReceipt(form) {
    var box = form.querySelector("input[type=checkbox]");
    function warn(event) {
      if (box.checked) { return undefined; }
      event.preventDefault();
      event.returnValue = "";
      return "";
    }
    window.addEventListener("beforeunload", warn);
    form.addEventListener("submit", function () { window.removeEventListener("beforeunload", warn); });
  }

  document.querySelectorAll("[data-pow-form]").forEach(function (form) {
    setupPowForm(form);
    setupChannels(form);
  });
  document.querySelectorAll("[data-receipt-confirm]").forEach(setupReceipt);
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
