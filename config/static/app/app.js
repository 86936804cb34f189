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

// The worklist's refresh is a conditional GET. Pages with patient data are no-store, so the
// browser never revalidates them by itself: each [data-conditional-refresh] element keeps
// the ETag of the rows it shows and sends it back, and a 304 ("nothing changed") swaps
// nothing, leaving the rows on the page as they are.
htmx.config.responseHandling.unshift({ code: "304", swap: false });
document.addEventListener("htmx:configRequest", (event) => {
  const etag = event.detail.elt.dataset.etag;
  if (event.detail.elt.matches("[data-conditional-refresh]") && etag) {
    event.detail.headers["If-None-Match"] = etag;
  }
});
document.addEventListener("htmx:afterRequest", (event) => {
  const element = event.detail.elt;
  const etag = event.detail.xhr.getResponseHeader("ETag");
  if (element.matches("[data-conditional-refresh]") && event.detail.xhr.status === 200 && etag) {
    element.dataset.etag = etag;
  }
});

// The alerts board plays a short tone when an emergency it has not shown before opens, only
// for a user who chose the sound in their settings (data-alert-sound); the banner always shows.
const alertsHeard = new Set();
document.addEventListener("htmx:afterSwap", (event) => {
  const board = event.detail.target;
  if (board.id !== "alerts-board") return;
  const emergencies = [...board.querySelectorAll("[data-alert-level=emergency]")];
  const fresh = emergencies.filter((item) => !alertsHeard.has(item.dataset.alert));
  emergencies.forEach((item) => alertsHeard.add(item.dataset.alert));
  if (!fresh.length || !board.querySelector("[data-alert-sound]")) return;
  const audio = new AudioContext();
  const tone = audio.createOscillator();
  tone.frequency.value = 880;
  tone.connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.4);
});

// A follow-up question (data-asked-when="answer=code") shows only while that answer has that
// code chosen; hidden, its answer is cleared, so a question that no longer applies sends
// nothing. Without JavaScript every question shows and the server settles the rest.
function showFollowUps(form) {
  form.querySelectorAll("[id^='div_id_']:has([data-asked-when])").forEach((wrapper) => {
    const [answer, code] = wrapper.querySelector("[data-asked-when]").dataset.askedWhen.split("=");
    const chosen = form.querySelector(`input[name="${answer}"][value="${code}"]`);
    wrapper.hidden = !(chosen && chosen.checked);
    if (!wrapper.hidden) return;
    wrapper.querySelectorAll("input").forEach((input) => {
      if (input.type === "radio" || input.type === "checkbox") input.checked = input.value === "";
      else input.value = "";
    });
  });
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form").forEach((form) => {
    if (!form.querySelector("[data-asked-when]")) return;
    showFollowUps(form);
    form.addEventListener("change", () => showFollowUps(form));
  });
});

// "Copy link": one button copies the field it names; the field stays selectable by hand.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyTarget);
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    document.execCommand("copy"); // no clipboard API (plain http): the selection is copied
  }
  button.textContent = button.dataset.copiedText || "Copied";
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// A page sent back with problems: the summary at its top takes the focus, so a screen
// reader says it and the page no longer opens scrolled to the top with the errors unseen.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});

// A step saves as the person answers it (clinic/autosave.py): a moment after each change, at
// once before a link, a language switch or "Save and continue" takes them away, and as the
// tab closes. Saves go one at a time, each with the revision the last one returned (swapped
// in out of band); a page refused as stale (409) stops saving, so it overwrites nothing newer.
const AUTOSAVE_DELAY_MS = 800;
const AUTOSAVE_GIVE_UP_MS = 10000;
htmx.config.responseHandling.unshift({ code: "409|422", swap: true });

function setUpAutosave(form) {
  const url = window.location.pathname;
  Object.entries({
    "hx-post": url,
    "hx-trigger": "autosave",
    "hx-vals": JSON.stringify({ autosave: "1" }),
    "hx-target": "#autosave-status",
    "hx-swap": "innerHTML",
    "hx-sync": "body:queue all",
  }).forEach(([name, value]) => form.setAttribute(name, value));
  htmx.process(form);

  let dirty = false;
  let stopped = false;
  let busy = 0;
  let timer = null;
  let saving = Promise.resolve();
  const sendOne = () => new Promise((resolve) => {
    busy += 1;
    const finish = (event) => {
      clearTimeout(giveUp);
      form.removeEventListener("htmx:afterRequest", finish);
      if (event && event.detail.xhr.status === 409) stopped = true;
      busy -= 1;
      resolve();
    };
    const giveUp = setTimeout(finish, AUTOSAVE_GIVE_UP_MS);
    form.addEventListener("htmx:afterRequest", finish);
    htmx.trigger(form, "autosave");
  });
  const save = () => {
    clearTimeout(timer);
    if (dirty && !stopped) {
      dirty = false;
      saving = saving.then(sendOne);
    }
    return saving;
  };
  const changed = () => {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, AUTOSAVE_DELAY_MS);
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  const pending = () => (dirty && !stopped) || busy > 0;

  // Leaving by a link: save first, then go.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || !pending() || event.defaultPrevented || link.target || event.ctrlKey
        || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    save().then(() => { window.location.href = link.href; });
  });
  // Leaving by a form. "Save and continue" sends every answer itself: it waits only for a
  // save under way (whose revision it must send). Another form (the language switch) waits
  // for the answers to be saved. Its buttons are disabled meanwhile, so a second tap sends
  // nothing; form.submit() then sends it as the tapped button would have.
  document.addEventListener("submit", (event) => {
    const leaving = event.target;
    if (leaving === form) {
      clearTimeout(timer);
      dirty = false;
    }
    if (!pending()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    leaving.querySelectorAll("button").forEach((button) => { button.disabled = true; });
    const submitter = event.submitter;
    save().then(() => {
      if (submitter && submitter.name) {
        const carried = document.createElement("input");
        Object.assign(carried, { type: "hidden", name: submitter.name, value: submitter.value });
        leaving.append(carried);
      }
      leaving.submit();
    });
  }, true);
  // Closing the tab: the browser sends what is typed even as the page goes.
  window.addEventListener("pagehide", () => {
    if (!dirty || stopped) return;
    const data = new FormData(form);
    data.set("autosave", "1");
    navigator.sendBeacon(url, data);
  });
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-autosave]").forEach(setUpAutosave);
});
