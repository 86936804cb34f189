// Idle sign-out warning (no inline script: the Content-Security-Policy forbids it).
//
// The server signs a user out after data-session-timeout seconds without a page load,
// form post or keepalive; htmx polling does not count (accounts/idle.py). This counts
// the same way: it shows the #session-warning dialog data-session-warning seconds
// before the end, "Stay signed in" renews the session, and at the end it goes to the
// login page. A clock check every second (not one long timer) survives a sleeping laptop.
(() => {
  const body = document.body;
  const timeout = Number(body.dataset.sessionTimeout);
  const dialog = document.getElementById("session-warning");
  if (!timeout || !dialog) return; // not signed in
  const warning = Number(body.dataset.sessionWarning);
  const modal = bootstrap.Modal.getOrCreateInstance(dialog);
  const countdown = dialog.querySelector("[data-session-countdown]");
  let deadline = 0;
  let warned = false;

  const restart = () => {
    deadline = Date.now() + timeout * 1000;
    if (warned) modal.hide();
    warned = false;
  };

  const toLogin = () => {
    const next = window.location.pathname + window.location.search;
    window.location.assign(`${body.dataset.loginUrl}?next=${encodeURIComponent(next)}`);
  };

  const clock = setInterval(() => {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) {
      clearInterval(clock);
      toLogin();
      return;
    }
    if (left > warning) return;
    countdown.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    if (!warned) {
      warned = true;
      modal.show();
    }
  }, 1000);

  dialog.querySelector("[data-session-keepalive]").addEventListener("click", async () => {
    try {
      const response = await fetch(body.dataset.keepaliveUrl, { cache: "no-store" });
      // 204 while signed in; a session that already ended redirects to the login page.
      if (response.status === 204) {
        restart();
        return;
      }
    } catch {
      // Offline: the login page is the honest answer too.
    }
    toLogin();
  });

  // An htmx form post counts as activity on the server, as a page load does.
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.requestConfig.verb !== "get") restart();
  });

  restart();
})();
