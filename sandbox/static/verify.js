// The QR landing page: compare the digest in the URL fragment (never sent to the server) with the
// digest of the certificate the page shows. Without JavaScript the page asks people to compare by eye.
(function () {
  "use strict";
  var box = document.getElementById("fragment-check");
  if (!box) { return; }
  var stated = box.getAttribute("data-digest") || "";
  var result = document.getElementById("fragment-result");
  var states = { match: "fragment-match", mismatch: "fragment-mismatch", missing: "fragment-missing" };

  function check() {
    var found = /(?:^#|&)sha256=([A-Za-z0-9_-]{43})(?:&|$)/.exec(window.location.hash || "");
    var state = !found ? "missing" : (found[1] === stated ? "match" : "mismatch");
    Object.keys(states).forEach(function (name) {
      document.getElementById(states[name]).hidden = name !== state;
    });
    result.setAttribute("data-state", state);
  }

  check();
  window.addEventListener("hashchange", check);
})();
