// Who else has this article's form open: a heartbeat every ~30 s keeps this person listed
// (the entry expires by itself ~90 s after the last one) and brings back who else is here;
// leaving the page removes the entry at once. The first list is rendered by the server.
(function () {
  "use strict";
  const box = document.getElementById("article-presence");
  const form = box && box.closest("form");
  if (!box || !form || !window.fetch) return;
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const seconds = Number(box.dataset.seconds) || 30;

  function payload(action) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    data.append("page", box.dataset.page);
    data.append("action", action);
    return data;
  }

  function show(others) {
    // A live region: redrawn only when it says something new, or screen readers repeat it.
    const shown = [...box.querySelectorAll("li")].map((item) => item.textContent).join("\n");
    if (shown === others.map((person) => person.message).join("\n")) return;
    const list = document.createElement("ul");
    list.className = "messagelist";
    for (const person of others) {
      const item = document.createElement("li");
      item.className = "warning";
      item.textContent = person.message;
      list.append(item);
    }
    box.replaceChildren(list);
    box.hidden = others.length === 0;
  }

  // A journalist's proposal made since the form was shown (an editor's form): said at the top of
  // the form, in a live region made at once so that its later words are read out.
  const shownProposal = document.getElementById("article-proposal-notice");
  let liveProposal = null;
  if (!shownProposal) {
    liveProposal = document.createElement("div");
    liveProposal.id = "article-proposal-live";
    liveProposal.className = "article-proposal-notice";
    liveProposal.setAttribute("role", "status"); // empty, not hidden: its later words are read out
    box.after(liveProposal);
  }

  function showProposal(proposal) {
    if (!liveProposal) return; // the page already says it (or the reader is its author)
    if (!proposal) {
      liveProposal.replaceChildren();
      delete liveProposal.dataset.version;
      return;
    }
    if (liveProposal.dataset.version === String(proposal.version)) return;
    const list = document.createElement("ul");
    list.className = "messagelist";
    const item = document.createElement("li");
    item.className = "warning";
    const link = document.createElement("a");
    link.href = proposal.url;
    link.textContent = proposal.link;
    item.append(proposal.message + " ", link);
    list.append(item);
    liveProposal.replaceChildren(list);
    liveProposal.dataset.version = String(proposal.version);
  }

  async function beat() {
    try {
      const response = await fetch(box.dataset.url, {
        method: "POST",
        body: payload("here"),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token },
      });
      if (response.ok) {
        const answer = await response.json();
        show(answer.others);
        showProposal(answer.proposal);
      }
      // Signed out, or the article is gone: nothing more to tell.
      else if (response.status === 403 || response.status === 404) window.clearInterval(timer);
    } catch (error) {
      // Offline for a moment: the next beat tries again.
    }
  }

  const timer = window.setInterval(beat, seconds * 1000);
  window.addEventListener("pagehide", function () {
    navigator.sendBeacon(box.dataset.url, payload("leave"));
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) beat(); // back from the browser's cache: say so at once
  });
})();
