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

  for (const figure of document.querySelectorAll("figure.embed[data-embed-frame]")) {
    const provider = figure.dataset.embedProvider
    if (isRemembered(provider)) {
      show(figure, { automatic: true })
      continue
    }
    const consent = figure.querySelector(".embed-consent")
    if (!consent) continue
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
})()
