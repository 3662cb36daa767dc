// A live's reader: asks the live's one shared address what changed (live/views.py), every few
// seconds while the tab is shown, until the live ends. The address is the same for every reader
// (no « since » of theirs in it, no cookie sent), so a cache answers nearly all of them.
// New entries wait behind a button the reader presses (nothing moves under their eyes); a polite
// live region says how many once; corrected entries change in place, withdrawn ones go.

const live = document.querySelector("[data-live-entries]");
if (live) follow(live);

function follow(live) {
  const address = live.dataset.liveEntries;
  const interval = Number(live.dataset.livePollSeconds || 10) * 1000;
  const list = live.querySelector(".live-entries");
  const bar = live.querySelector(".live-new");
  const button = bar.querySelector("button");
  const status = live.querySelector("[data-live-announce]");
  const idOf = (element) => Number(element.id.replace("entree-", ""));
  // Entries are numbered as they are posted: anything above the newest on the page is new.
  let newest = Math.max(0, ...Array.from(list.querySelectorAll(".live-entry"), idOf));
  const waiting = new Map(); // id → the entry's data, not shown yet
  let timer = null;
  let asking = false;
  let ended = false;

  const label = (count) => (count === 1 ? "1 nouvelle entrée" : `${count} nouvelles entrées`);
  const fromHtml = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  };
  // Once in the page: static/articles/body.js prepares its embeds' facades as for the article's own.
  const added = (element) => element.dispatchEvent(new CustomEvent("newsroom:added", { bubbles: true }));

  function update(data) {
    for (const id of data.withdrawn) {
      document.getElementById(`entree-${id}`)?.remove();
      waiting.delete(id);
    }
    for (const entry of data.entries) {
      const shown = document.getElementById(`entree-${entry.id}`);
      if (shown) {
        if (shown.dataset.version !== entry.version) {
          const element = fromHtml(entry.html);
          shown.replaceWith(element);
          added(element);
        }
      } else if (entry.id > newest || waiting.has(entry.id)) {
        waiting.set(entry.id, entry);
      }
    }
    const count = waiting.size;
    if (count && button.textContent !== label(count)) {
      button.textContent = label(count);
      status.textContent = label(count); // once per new count, never once per entry
    }
    bar.hidden = count === 0;
    if (data.ended) {
      ended = true;
      live.querySelector(".live-heading").textContent = "Ce direct est terminé";
    }
  }

  function show() {
    const entries = [...waiting.values()].sort((a, b) => b.id - a.id);
    waiting.clear();
    const firstUnpinned = [...list.querySelectorAll(".live-entry")].find(
      (element) => !element.classList.contains("live-entry--pinned"),
    );
    let first = null;
    for (const entry of entries) {
      const element = fromHtml(entry.html);
      if (entry.pinned) list.prepend(element);
      else list.insertBefore(element, firstUnpinned || null);
      added(element);
      newest = Math.max(newest, entry.id);
      if (!first || entry.id > idOf(first)) first = element;
    }
    list.querySelector(".empty")?.remove();
    bar.hidden = true;
    button.textContent = "";
    status.textContent = "";
    // The button is gone: the reader's focus goes to the newest entry they asked for.
    first?.focus();
  }

  async function ask() {
    timer = null;
    asking = true;
    try {
      const response = await fetch(address, { credentials: "omit", cache: "no-cache" });
      if (response.ok) update(await response.json());
    } catch {
      // Offline for a moment: the next time will tell.
    }
    asking = false;
    later();
  }

  function later() {
    if (!ended && !document.hidden && timer === null && !asking) timer = setTimeout(ask, interval);
  }

  button.addEventListener("click", show);
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
    } else if (!ended && timer === null && !asking) {
      ask(); // back on the tab: what happened meanwhile, at once
    }
  });
  later();
}
