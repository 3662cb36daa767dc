// « Signaler » opens its form under the comment and sends it without leaving the page.
// Without this script, the link leads to the same form on a page of its own.
(() => {
  "use strict";
  const thread = document.getElementById("commentaires");
  if (!thread || !window.fetch) return;
  const FAILED = "Le signalement n’a pas pu être envoyé. Vérifiez votre connexion, puis réessayez.";
  const GONE = "Ce commentaire ne peut plus être signalé.";

  async function ask(box, url, options) {
    box.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, { ...options, headers: { Accept: "application/json" } });
      if (response.status === 404) return show(box, { message: GONE });
      show(box, await response.json());
    } catch {
      const form = box.querySelector("form");
      if (form) note(form, FAILED, "alert"); else show(box, { message: FAILED });
    } finally {
      box.removeAttribute("aria-busy");
    }
  }

  function note(form, text, role) {
    let p = form.querySelector(".report-note");
    if (!p) {
      p = document.createElement("p");
      p.className = "report-note form-errors";
      form.prepend(p);
    }
    p.setAttribute("role", role);
    p.textContent = text;
  }

  function show(box, data) {
    if (data.form) {
      box.innerHTML = data.form;  // rendered by our server, escaped there
      const form = box.querySelector("form");
      // The first field in error, or the first reason, so that keyboard users land in the form.
      const target = form.querySelector("[aria-invalid]") || form.querySelector("input[type=radio]");
      if (target) target.focus();
      return;
    }
    const p = document.createElement("p");
    p.className = "notice";
    p.setAttribute("role", "status");
    p.tabIndex = -1;
    p.textContent = data.message;
    box.replaceChildren(p);
    p.focus();
  }

  thread.addEventListener("click", (event) => {
    const link = event.target.closest('a[href$="/signaler/"]');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    const article = link.closest("article");
    let box = article.querySelector(".report-box");
    if (box && box.querySelector("form")) {
      box.querySelector("input, textarea, button")?.focus();
      return;
    }
    if (box && box.hasAttribute("aria-busy")) return; // still loading
    box?.remove(); // a message (sent, or a failed load): « Signaler » asks again
    box = document.createElement("div");
    box.className = "report-box";
    article.append(box);
    ask(box, link.href, {});
  });

  thread.addEventListener("submit", (event) => {
    const form = event.target.closest(".report-form");
    if (!form) return;
    event.preventDefault();
    if (form.parentElement.hasAttribute("aria-busy")) return; // sent once already: wait for its answer
    ask(form.parentElement, form.action, { method: "POST", body: new FormData(form) });
  });
})();
