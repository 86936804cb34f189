// Behaviour lives here, not inline: the Content-Security-Policy forbids inline scripts.

// A form marked data-submit-once disables its buttons after the first submit,
// so a double tap sends one request (the server is idempotent as well).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("[data-submit-once]")) return;
  if (form.dataset.submitted) {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "true";
  form.querySelectorAll("button[type=submit]").forEach((button) => {
    setTimeout(() => { button.disabled = true; }, 0);
  });
});
