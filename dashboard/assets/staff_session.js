/* A staff page whose session has ended (idle past the timeout, past its lifetime, signed
   out elsewhere, a password changed) has every callback refused by the server with 403
   (dashboard/auth.py), and Dash's renderer shows nothing for a refused callback. So the
   first refusal shows the page's own notice: the element marked data-session-ended,
   written by the server while the session lived. Its sign-in link (marked data-next) is
   pointed back at the page as it is now, so signing in again returns to the same upload.
   Nothing here names a component: the server marks what to show. */
(function () {
  var original = window.fetch;
  if (!original) { return; }

  function showEnded() {
    var notice = document.querySelector("[data-session-ended]");
    if (!notice || document.documentElement.getAttribute("data-staff-session") === "ended") {
      return;
    }
    notice.querySelectorAll("a[data-next]").forEach(function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      url.searchParams.set("next", window.location.pathname + window.location.search);
      link.setAttribute("href", url.pathname + url.search);
    });
    document.documentElement.setAttribute("data-staff-session", "ended");
    notice.focus();
  }

  window.fetch = function (input) {
    var url = typeof input === "string" ? input : (input && input.url) || "";
    return original.apply(this, arguments).then(function (response) {
      if (response.status === 403 && /\/_dash-update-component(\?|$)/.test(url)) {
        showEnded();
      }
      return response;
    });
  };
})();
