"use strict";
// Shows the refusal after a wrong token (the server redirects with ?failed=1; the token is never in the URL).
const query = new URLSearchParams(location.search);
if (query.has("failed")) {
  document.getElementById("failed").hidden = false;
}
// Where to go after signing in (a simulator link); the server accepts only its own simulator's pages.
document.getElementById("return").value = query.get("return") || "";
