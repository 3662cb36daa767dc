// What article pages need in the reader's browser, in one file so that a page with every kind of
// element still makes at most 5 requests before its images: the galleries' viewer, the embeds'
// facades, the reading beacon of « Les plus lus » and a live's new entries (each in this file so that
// it costs no request of its own). Named by every article page (article_detail.html), for the beacon: a plain
// article makes 3 requests with it; same origin only (the readers' Content-Security-Policy).

// Galleries --------------------------------------------------------------------------------------

// The viewer of an article's galleries (« Diaporama », templates/articles/includes/gallery.html).
// Without this script each thumbnail is a link to its large picture; with it, the link opens a
// modal <dialog>: the picture, its caption and credit, « Image 3 sur 12 », previous and next
// buttons, ← → keys, Esc, and a swipe on touch screens; nothing on a page without a gallery.
const text = {
  previous: "Image précédente",
  next: "Image suivante",
  close: "Fermer",
  position: (index, count) => `Image ${index} sur ${count}`,
}

let viewer = null

const button = (className, label) => {
  const element = document.createElement("button")
  element.type = "button"
  element.className = className
  element.textContent = label
  return element
}

const buildViewer = () => {
  const dialog = document.createElement("dialog")
  dialog.className = "gallery-viewer"
  const stage = document.createElement("div")
  stage.className = "gallery-viewer-stage"
  const status = document.createElement("div")
  status.className = "gallery-viewer-status"
  status.setAttribute("aria-live", "polite")
  const position = document.createElement("p")
  position.className = "gallery-viewer-position"
  const caption = document.createElement("p")
  caption.className = "gallery-viewer-caption"
  status.append(position, caption)
  const previous = button("gallery-viewer-previous", text.previous)
  const next = button("gallery-viewer-next", text.next)
  const close = button("gallery-viewer-close", text.close)
  const controls = document.createElement("div")
  controls.className = "gallery-viewer-controls"
  controls.append(previous, next)
  // The close button comes first (focused on opening), then the picture, its words and the arrows.
  dialog.append(close, stage, status, controls)
  document.body.append(dialog)

  const state = { links: [], index: 0, opener: null }
  const show = (index) => {
    const count = state.links.length
    state.index = (index + count) % count
    const link = state.links[state.index]
    const picture = link.querySelector("picture, img").cloneNode(true)
    for (const element of picture.querySelectorAll("source, img")) {
      if (element.hasAttribute("sizes")) element.setAttribute("sizes", "100vw")
    }
    const img = picture.matches("img") ? picture : picture.querySelector("img")
    img.removeAttribute("loading")
    img.draggable = false // a mouse swipe is a swipe, not the browser dragging the picture away
    stage.replaceChildren(picture)
    position.textContent = text.position(state.index + 1, count)
    const legend = link.parentElement.querySelector(".gallery-caption")
    caption.replaceChildren(...(legend ? [...legend.cloneNode(true).childNodes] : []))
    previous.disabled = next.disabled = count < 2
  }
  const move = (step) => show(state.index + step)

  previous.addEventListener("click", () => move(-1))
  next.addEventListener("click", () => move(1))
  close.addEventListener("click", () => dialog.close())
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "ArrowLeft") move(-1)
    else if (event.key === "ArrowRight") move(1)
    else return
    event.preventDefault()
  })
  // Focus stays in the dialog: Tab from its last button goes back to its first, and back.
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return
    const focusable = [...dialog.querySelectorAll("button:not([disabled])")]
    const first = focusable[0]
    const last = focusable[focusable.length - 1]
    if (event.shiftKey && document.activeElement === first) {
      last.focus()
      event.preventDefault()
    } else if (!event.shiftKey && document.activeElement === last) {
      first.focus()
      event.preventDefault()
    }
  })
  // A swipe: a horizontal move of the finger (or pen, or mouse) of at least 50 px.
  let startX = null
  stage.addEventListener("pointerdown", (event) => {
    startX = event.clientX
  })
  stage.addEventListener("pointerup", (event) => {
    if (startX === null) return
    const distance = event.clientX - startX
    startX = null
    if (Math.abs(distance) >= 50) move(distance < 0 ? 1 : -1)
  })
  stage.addEventListener("pointercancel", () => {
    startX = null
  })
  dialog.addEventListener("close", () => {
    stage.replaceChildren()
    state.opener?.focus()
  })

  return {
    open(gallery, link) {
      state.links = [...gallery.querySelectorAll(".gallery-grid a")]
      state.opener = link
      const title = gallery.querySelector("figcaption .caption")?.textContent.trim()
      dialog.setAttribute("aria-label", title ? `Diaporama : ${title}` : "Diaporama")
      show(state.links.indexOf(link))
      dialog.showModal()
      close.focus()
    },
  }
}

document.addEventListener("click", (event) => {
  const link = event.target.closest?.("[data-gallery-viewer] .gallery-grid a")
  // A click with a modifier opens the large picture in a tab, as any link.
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return
  if (typeof HTMLDialogElement !== "function") return
  event.preventDefault()
  viewer ||= buildViewer()
  viewer.open(link.closest("[data-gallery-viewer]"), link)
})

// Embeds -----------------------------------------------------------------------------------------

// Embeds' facades (templates/articles/includes/embed.html): a post or a video of another site is
// loaded only when the reader asks for it. Loaded only by pages that show one (article_detail.html).
//
// Each facade's <figure data-embed-frame=…> describes its frame (address, sandbox, allow list,
// title), written by the server from the provider's declaration (articles/embeds.py); the page's
// Content-Security-Policy lets only those providers' frames in. The reader may choose to always
// show one provider's content: remembered in this browser's localStorage, never in a cookie.
;(() => {
  const STORAGE_PREFIX = "newsroom:embeds:toujours:"

  const isRemembered = (provider) => {
    try {
      return localStorage.getItem(STORAGE_PREFIX + provider) === "1"
    } catch {
      return false // storage refused (private browsing, settings): ask each time
    }
  }

  const remember = (provider, always) => {
    try {
      if (always) localStorage.setItem(STORAGE_PREFIX + provider, "1")
      else localStorage.removeItem(STORAGE_PREFIX + provider)
    } catch {
      // nothing kept: the reader is asked again next time
    }
  }

  const frameFor = (figure) => {
    const data = figure.dataset
    const frame = document.createElement("iframe")
    frame.className = "embed-frame"
    frame.title = data.embedTitle
    frame.setAttribute("sandbox", data.embedSandbox)
    frame.setAttribute("allow", data.embedAllow)
    // The site's origin only, never the article's address; YouTube's player refuses to play
    // for a page that sends no referrer at all.
    frame.referrerPolicy = "strict-origin"
    frame.loading = "lazy"
    frame.src = data.embedFrame
    return frame
  }

  /** Replace the facade with the frame; ``automatic``: shown because the reader chose to always. */
  const show = (figure, { automatic = false, focus = false } = {}) => {
    const facade = figure.querySelector(".embed-facade")
    if (!facade) return
    const provider = figure.dataset.embedProvider
    const link = facade.querySelector(".embed-link")
    const box = document.createElement("div")
    box.className = "embed-shown"
    const frame = frameFor(figure)
    box.append(frame)
    const after = document.createElement("p")
    after.className = "embed-after"
    if (link) after.append(link) // « Voir sur … » stays, below the frame
    if (isRemembered(provider)) {
      const forget = document.createElement("button")
      forget.type = "button"
      forget.className = "embed-forget"
      forget.textContent = figure.dataset.embedForget
      forget.addEventListener("click", () => {
        remember(provider, false)
        forget.remove()
      })
      after.append(" ", forget)
    }
    box.append(after)
    facade.replaceWith(box)
    figure.classList.add("embed--shown")
    if (automatic) figure.dataset.embedAutomatic = ""
    if (focus) frame.focus()
  }

  const prepare = (root) => {
    for (const figure of root.querySelectorAll("figure.embed[data-embed-frame]")) {
      const provider = figure.dataset.embedProvider
      if (isRemembered(provider)) {
        show(figure, { automatic: true })
        continue
      }
      const consent = figure.querySelector(".embed-consent")
      if (!consent || !consent.hidden) continue // prepared already
      consent.hidden = false
      consent.querySelector(".embed-show").addEventListener("click", () => {
        const always = consent.querySelector(".embed-remember input")
        if (always?.checked) {
          remember(provider, true)
          // Every other facade of this provider on the page too: the reader said « always ».
          for (const other of document.querySelectorAll(`figure.embed[data-embed-frame][data-embed-provider="${provider}"]`)) {
            if (other !== figure) show(other, { automatic: true })
          }
        }
        show(figure, { focus: true })
      })
    }
  }

  prepare(document)
  // Content a page adds later (a live's new entries, « Live coverage » below) says so with this event.
  document.addEventListener("newsroom:added", (event) => prepare(event.target))
})()

// Reading beacon -----------------------------------------------------------------------------------

// « Les plus lus » (popularity/counting.py): one POST without body nor cookie to the address the
// popularity app's page part names (data-lu), sent once the page is shown — a prerendered page waits
// until it is. The address is never cached, so the page itself stays in every cache.
{
  const beacon = document.querySelector("[data-lu]")
  const send = () => navigator.sendBeacon?.(beacon.dataset.lu)
  if (beacon && document.prerendering) document.addEventListener("prerenderingchange", send, { once: true })
  else if (beacon) send()
}

// Live coverage ------------------------------------------------------------------------------------

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
