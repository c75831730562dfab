"use strict";
// Shows the refusal after a wrong token (the server redirects with ?failed=1; the token is never in the URL).
if (new URLSearchParams(location.search).has("failed")) {
  document.getElementById("failed").hidden = false;
}
