// The moderation desk, with JavaScript: decisions sent without reloading the page (the card
// leaves, the next one takes the focus) and keyboard shortcuts. Without it, the same forms post
// and the desk comes back with a message: nothing here is needed to moderate.
(() => {
  "use strict";

  const cards = () => Array.from(document.querySelectorAll(".desk-card"));
  const undoForm = () => document.querySelector(".desk-undo-form");
  const help = () => document.querySelector(".desk-help");

  function currentCard() {
    const active = document.activeElement;
    return (active && active.closest && active.closest(".desk-card")) || cards()[0] || null;
  }

  function focusCard(card) {
    if (!card) return;
    card.focus();
    card.scrollIntoView({ block: "nearest" });
  }

  // A decision « Annuler » can take back is said beside that button; any other (« Choix de la
  // rédaction », « Classer les signalements », a warning) in the admin's message list, as the
  // server says it without JavaScript.
  function announce(message, undoable, level) {
    const status = document.querySelector(".desk-undo-message");
    const form = undoForm();
    if (form) form.hidden = !undoable;
    if (status) status.textContent = undoable ? message : "";
    if (!undoable) toast(message, level);
  }

  function toast(message, level) {
    const box = document.querySelector(".desk-messages");
    if (!box || !message) return;
    const list = document.createElement("ul");
    list.className = "messagelist";
    const item = document.createElement("li");
    item.className = level;
    item.textContent = message;
    list.append(item);
    box.replaceChildren(list);
  }

  // The page reloads after some decisions: what was said is said again once it is back.
  const KEPT = "newsroom-desk-message";

  function reloadSaying(message, undoable, level) {
    if (!undoable) {
      try {
        window.sessionStorage.setItem(KEPT, JSON.stringify({ message, level }));
      } catch (error) {
        // Storage refused (private browsing): the page comes back without the message.
      }
    }
    window.location.reload();
  }

  function submitPlainly(form, submitter) {
    // As without JavaScript; form.submit() would leave out the button pressed, so carry it.
    if (submitter && submitter.name) {
      const chosen = document.createElement("input");
      chosen.type = "hidden";
      chosen.name = submitter.name;
      chosen.value = submitter.value;
      form.append(chosen);
    }
    form.submit();
  }

  async function decide(form, submitter) {
    const card = form.closest(".desk-card");
    // One decision at a time per card: a double press must not reach the next card.
    if (card?.dataset.busy) return;
    if (card) card.dataset.busy = "1";
    const data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    const response = await fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok || !(response.headers.get("content-type") || "").includes("json")) {
      submitPlainly(form, submitter); // an error, or signed out: let the server answer as without JavaScript
      return;
    }
    const answer = await response.json();
    if (card) delete card.dataset.busy;
    const level = answer.done ? "success" : "warning";
    announce(answer.message, answer.undoable, level);
    for (const [tab, count] of Object.entries(answer.counts || {})) {
      const shown = document.querySelector(`[data-count="${tab}"]`);
      if (shown) shown.textContent = count;
    }
    if (!answer.done) return; // a warning: the card stays where it is
    // Several cards changed, or the card stays with a new button: the desk again, as it now is.
    const reshown = submitter && submitter.value.endsWith("feature");
    if (reshown || !card) {
      reloadSaying(answer.message, answer.undoable, level);
      return;
    }
    const list = cards();
    const next = list[list.indexOf(card) + 1] || list[list.indexOf(card) - 1];
    const hadFocus = card.contains(document.activeElement) || document.activeElement === document.body;
    card.remove();
    if (!cards().length) {
      reloadSaying(answer.message, answer.undoable, level); // the page is empty: the next comments, without skipping any
      return;
    }
    // The moderator may have moved on while the answer came: leave the focus where it is.
    if (hadFocus && next) focusCard(next);
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.classList.contains("desk-actions")) return;
    event.preventDefault();
    decide(form, event.submitter).catch(() => submitPlainly(form, event.submitter));
  });

  function typing(target) {
    // A text field, a list or an editable area; a ticked box is not typing.
    const fields = 'input:not([type="checkbox"]):not([type="radio"]):not([type="submit"]):not([type="button"]), ' +
      'textarea, select, [contenteditable]:not([contenteditable="false"])';
    return target.closest(fields) !== null;
  }

  document.addEventListener("keydown", (event) => {
    if (event.repeat || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (help()?.open) return; // the dialog has the keyboard (Escape closes it)
    const card = currentCard();
    const inCard = Boolean(document.activeElement?.closest?.(".desk-card"));
    const list = cards();
    const press = (key) => card?.querySelector(`[data-shortcut="${key}"]`)?.click();
    switch (event.key) {
      // Nothing chosen yet: the first card; then the next or previous one.
      case "j": focusCard(inCard ? list[list.indexOf(card) + 1] || card : list[0]); break;
      case "k": focusCard(inCard ? list[list.indexOf(card) - 1] || card : list[0]); break;
      // On the card that has the focus, or the first one when nothing has it yet; never from
      // elsewhere on the page (after the help closes, the focus is on its button).
      case "a": case "r": case "s":
        if (inCard || document.activeElement === document.body) press(event.key);
        break;
      case "u": {
        const form = undoForm();
        if (form && !form.hidden) form.requestSubmit();
        break;
      }
      case "?": help()?.showModal(); break;
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", () => {
    let kept = null;
    try {
      kept = JSON.parse(window.sessionStorage.getItem(KEPT) || "null");
      window.sessionStorage.removeItem(KEPT);
    } catch (error) {
      kept = null;
    }
    if (kept) toast(kept.message, kept.level);
    const opener = document.querySelector(".desk-help-open");
    if (opener) {
      opener.hidden = false;
      opener.addEventListener("click", () => help()?.showModal());
    }
  });
})();
