// The viewer of an article's galleries (« Diaporama », templates/articles/includes/gallery.html).
// Without this script each thumbnail is a link to its large picture; with it, the link opens a
// modal <dialog>: the picture, its caption and credit, « Image 3 sur 12 », previous and next
// buttons, ← → keys, Esc, and a swipe on touch screens. Named by article_detail.html only when
// the body holds a gallery; same origin only (the readers' Content-Security-Policy).
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
