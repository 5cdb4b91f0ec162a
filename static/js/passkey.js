// Passkeys (WebAuthn) as the second factor: set one up, or sign in with it.
// A <form data-passkey="enrol|add|sign_in" data-options-url="..."> inside a hidden
// [data-passkey-offer] box. The box is shown only where the browser can do it
// (for a new passkey: only where the device has its own face or fingerprint
// authenticator); otherwise the code form stays the way in. On submit: fetch the
// options, let the browser create or use the passkey, put its answer in the
// form's "credential" field and post the form. No inline handlers (S35).
(function () {
  "use strict";

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (c) {
      return { type: c.type, id: toBytes(c.id), transports: c.transports };
    });
  }

  function creationOptions(o) {
    return Object.assign({}, o, {
      challenge: toBytes(o.challenge),
      user: Object.assign({}, o.user, { id: toBytes(o.user.id) }),
      excludeCredentials: descriptors(o.excludeCredentials)
    });
  }

  function requestOptions(o) {
    return Object.assign({}, o, {
      challenge: toBytes(o.challenge),
      allowCredentials: descriptors(o.allowCredentials)
    });
  }

  function answer(credential) {
    var r = credential.response;
    var response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
    }
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: response,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  var FAILED = {
    NotAllowedError: gettext("The passkey was cancelled or timed out. Try again, or use a code."),
    InvalidStateError: gettext("This device already holds your passkey."),
    SecurityError: gettext("Passkeys do not work at this address. Use a code instead.")
  };

  async function run(form) {
    var status = form.querySelector("[data-passkey-status]");
    var button = form.querySelector("button[type=submit]");
    var creating = form.dataset.passkey !== "sign_in";
    button.disabled = true;
    status.textContent = gettext("Waiting for your face, fingerprint or screen lock…");
    try {
      var response = await fetch(form.dataset.optionsUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
          Accept: "application/json"
        }
      });
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/json") !== 0) {
        throw { name: "OptionsFailed" };
      }
      var options = await response.json();
      var credential = creating
        ? await navigator.credentials.create({ publicKey: creationOptions(options) })
        : await navigator.credentials.get({ publicKey: requestOptions(options) });
      form.elements.credential.value = JSON.stringify(answer(credential));
      status.textContent = gettext("Checking…");
      form.submit();
    } catch (error) {
      status.textContent = FAILED[error && error.name] ||
        gettext("The passkey did not work. Try again, or use a code.");
      button.disabled = false;
    }
  }

  async function offer(form) {
    if (!window.PublicKeyCredential) return;
    if (form.dataset.passkey !== "sign_in") {
      var platform = false;
      try {
        platform = await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable();
      } catch (e) { platform = false; }
      if (!platform) return;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run(form);
    });
    form.closest("[data-passkey-offer]").hidden = false;
    // At sign-in the passkey comes first: focus its button, not the code field
    // (whose focus would open a phone's keyboard over it).
    if (form.dataset.passkey !== "add") form.querySelector("button[type=submit]").focus();
  }

  document.querySelectorAll("form[data-passkey]").forEach(offer);
})();
