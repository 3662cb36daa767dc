// A live's desk (templates/admin/live/livecoverage/desk.html): the forms sent without reloading.
// Ctrl+Entrée (⌘+Entrée) publishes; each entry's buttons replace it in the list with what the server
// answers; « Retirer » and « Terminer le direct » ask first. Without this file every form still works.
(function () {
  "use strict";

  const status = () => document.getElementById("live-desk-messages");

  function say(message) {
    const region = status();
    if (!region) return;
    region.textContent = "";
    const list = document.createElement("ul");
    list.className = "messagelist";
    const item = document.createElement("li");
    item.className = "success";
    item.textContent = message;
    list.appendChild(item);
    region.appendChild(list);
  }

  function showErrors(list, field, errors) {
    list.textContent = "";
    for (const error of errors) {
      const item = document.createElement("li");
      item.textContent = error;
      list.appendChild(item);
    }
    list.hidden = errors.length === 0;
    if (errors.length) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
  }

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  async function send(form, extra) {
    const data = new FormData(form);
    for (const [name, value] of Object.entries(extra || {})) data.set(name, value);
    const response = await fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    let answer = null;
    try {
      answer = await response.json();
    } catch (error) {
      answer = null;
    }
    if (!answer) {
      answer = { ok: false, errors: ["Le serveur n’a pas répondu comme prévu : réessayez, votre texte est gardé."] };
    }
    return answer;
  }

  // The header's counts follow each change.
  function showState(html) {
    const state = document.getElementById("live-desk-state");
    if (state && html) state.replaceWith(fromHtml(html));
  }

  function busy(form, on) {
    form.dataset.sending = on ? "1" : "";
    for (const button of form.querySelectorAll("button")) button.disabled = on;
  }

  // The quick form ------------------------------------------------------------------------------

  function setUpCompose(form) {
    const field = form.querySelector("textarea");
    const errors = document.getElementById("live-compose-errors");
    field.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.dataset.sending) return;
      busy(form, true);
      try {
        const answer = await send(form);
        if (answer.ok) {
          document.getElementById("live-entries").prepend(fromHtml(answer.html));
          document.getElementById("live-entries-empty").hidden = true;
          form.reset();
          showErrors(errors, field, []);
          showState(answer.state);
          say(answer.message);
        } else {
          showErrors(errors, field, answer.errors);
        }
      } catch (error) {
        showErrors(errors, field, ["La connexion a échoué : votre texte est gardé, publiez-le à nouveau."]);
      } finally {
        busy(form, false);
        field.focus();
      }
    });
  }

  // Each entry's forms ---------------------------------------------------------------------------

  async function entryForm(form, event) {
    event.preventDefault();
    if (form.dataset.sending) return;
    const button = event.submitter || form.querySelector("[data-confirm]");
    const question = button && button.dataset.confirm;
    if (question && !window.confirm(question)) return;
    const entry = form.closest(".live-entry");
    busy(form, true);
    try {
      const answer = await send(form, question ? { confirme: "oui" } : null);
      if (answer.ok) {
        const fresh = fromHtml(answer.html);
        entry.replaceWith(fresh);
        fresh.focus();
        showState(answer.state);
        say(answer.message);
      } else {
        const field = form.querySelector("textarea");
        const list = form.querySelector(".live-errors");
        if (field && list) showErrors(list, field, answer.errors);
        else say(answer.errors.join(" "));
        busy(form, false);
      }
    } catch (error) {
      say("La connexion a échoué : rien n’a changé, réessayez.");
      busy(form, false);
    }
  }

  function setUp() {
    const compose = document.getElementById("live-compose");
    if (compose) setUpCompose(compose);
    const entries = document.getElementById("live-entries");
    if (entries) {
      entries.addEventListener("submit", (event) => entryForm(event.target, event));
      // Ctrl+Entrée saves a correction too.
      entries.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.matches(".live-correct-form textarea")) {
          event.preventDefault();
          event.target.form.requestSubmit();
        }
      });
    }
    const end = document.getElementById("live-end");
    if (end) {
      end.addEventListener("submit", (event) => {
        const question = end.querySelector("[data-confirm]").dataset.confirm;
        if (!window.confirm(question)) event.preventDefault();
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
