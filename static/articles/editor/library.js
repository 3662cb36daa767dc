// The image library inside the editor's page: no popup window.
// - The toolbar's image button opens a <dialog> listing the latest images of the library, with a
//   search; a click on one inserts it (2 clicks in all). The same dialog uploads a new image with
//   the picker's own form (images/admin.py picker_view, its French labels and errors), and picks
//   several images for a gallery (gallery.js) in the order chosen. From a figure's caption it
//   changes that figure's picture (« Remplacer l’image »), keeping the caption.
// - An image file dropped or pasted into the text is uploaded in place: a placeholder marks the
//   spot, the dialog asks for its alt text first (nothing is uploaded before, so « Annuler » leaves
//   nothing behind), then the figure takes the placeholder's place. Nothing dropped is ignored
//   silently: a file that cannot go in says why.
// The picker page itself stays, for browsers without JavaScript (and answers this dialog's JSON).
import { Extension, canInsertNode, crel, pm } from "django-prose-editor/editor"

const { Plugin, PluginKey } = pm.state
const { Decoration, DecorationSet } = pm.view

const megabytes = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 })

const T = {
  insertTitle: "Insérer une image",
  galleryTitle: "Créer un diaporama",
  galleryEditTitle: "Modifier le diaporama",
  droppedTitle: "Ajouter l’image à la photothèque",
  replaceTitle: "Remplacer l’image",
  library: "Choisir dans la photothèque",
  upload: "Ajouter une image",
  close: "Fermer",
  cancel: "Annuler",
  search: "Rechercher (texte alternatif, légende, crédit)",
  loading: "Chargement des images…",
  found: (count) => (count ? `${count} image${count > 1 ? "s" : ""}` : "Aucune image ne correspond."),
  failed: "La photothèque ne répond pas (connexion ?). Réessayez.",
  selection: (count) => `Images du diaporama : ${count}`,
  selectionEmpty: "Choisissez les images dans la liste, dans l’ordre du diaporama.",
  galleryCaption: "Légende du diaporama",
  insertGallery: "Insérer le diaporama",
  updateGallery: "Mettre à jour le diaporama",
  galleryTooShort: "Un diaporama réunit au moins 2 images.",
  up: (name) => `Avancer « ${name} »`,
  down: (name) => `Reculer « ${name} »`,
  remove: (name) => `Retirer « ${name} »`,
  addToGallery: "Ajouter au diaporama",
  notAnImage: (name) =>
    `« ${name} » n’est pas une image : la photothèque prend les photos JPEG, PNG, WebP ou GIF.`,
  tooLarge: (name, max) =>
    `« ${name} » est trop lourd pour la photothèque (plus de ${megabytes.format(max / 1048576)} Mo) : choisissez une image plus légère.`,
  waiting: "Image en attente de sa description…",
  mayNotAdd: "Vous ne pouvez pas ajouter d’images à la photothèque : demandez-le à la rédaction en chef.",
  describe: "Décrivez l’image pour l’insérer : le texte alternatif est obligatoire.",
}

// The dialog's own look, in a file beside this one (the staff pages' CSP allows same-origin styles).
const stylesheet = new URL("library.css", import.meta.url).href
if (!document.querySelector(`link[href="${stylesheet}"]`)) {
  document.head.append(crel("link", { rel: "stylesheet", href: stylesheet }))
}

const button = (textContent, attributes = {}) => crel("button", { type: "button", textContent, ...attributes })

const withQuery = (url, params) => {
  const address = new URL(url, window.location.href)
  for (const [name, value] of Object.entries(params)) address.searchParams.set(name, value)
  return address.href
}

/** The dialog, built once per page on first use and reused by every editor on it. */
class LibraryDialog {
  constructor(pickerUrl) {
    this.pickerUrl = pickerUrl
    this.maxBytes = null
    this.selection = []
    this.resolve = null
    this.build()
  }

  async images(params) {
    const response = await fetch(withQuery(this.pickerUrl, params), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
    if (!response.ok) throw new Error(response.statusText)
    const data = await response.json()
    if (data.max_bytes) this.maxBytes = data.max_bytes
    return data.images
  }

  build() {
    this.title = crel("h2", { id: "newsroom-library-title", textContent: T.insertTitle })
    // value="cancel" like the package's own dialogs' cancel buttons.
    const close = button(T.close, { className: "newsroom-library-close", value: "cancel" })
    close.addEventListener("click", () => this.dialog.close())
    this.tabs = {
      library: button(T.library, { "aria-pressed": "true", "aria-controls": "newsroom-library-choose" }),
      upload: button(T.upload, { "aria-pressed": "false", "aria-controls": "newsroom-library-upload" }),
    }
    this.tabs.library.addEventListener("click", () => this.show("library"))
    this.tabs.upload.addEventListener("click", () => this.show("upload"))
    // From the image button: « Créer un diaporama » turns the list into a multiple choice.
    this.galleryToggle = button(T.galleryTitle, { className: "newsroom-library-to-gallery" })
    this.galleryToggle.addEventListener("click", () => {
      this.setMode("gallery")
      this.galleryToggle.hidden = true
      this.show("library")
      this.syncPressed()
    })
    this.tabBar = crel("div", { className: "newsroom-library-tabs" }, [...Object.values(this.tabs), this.galleryToggle])

    this.search = crel("input", { type: "search", id: "newsroom-library-q" })
    let timer = null
    this.search.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(() => this.list(), 250)
    })
    this.search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault() // not a submit of anything
    })
    this.status = crel("p", { role: "status", className: "newsroom-library-status" })
    this.grid = crel("ul", { className: "newsroom-library-grid" })
    this.chosen = crel("ol", { className: "newsroom-library-chosen" })
    this.chosenTitle = crel("h3", { id: "newsroom-library-chosen-title" })
    this.galleryCaption = crel("input", { type: "text", id: "newsroom-library-caption", maxLength: 300 })
    this.galleryError = crel("p", { className: "errornote", hidden: true, role: "alert" })
    this.gallerySubmit = button(T.insertGallery, { className: "default" })
    this.gallerySubmit.addEventListener("click", () => this.submitGallery())
    this.galleryPanel = crel("div", { className: "newsroom-library-gallery" }, [
      this.chosenTitle,
      this.chosen,
      crel("label", { htmlFor: this.galleryCaption.id, textContent: T.galleryCaption }),
      this.galleryCaption,
      this.galleryError,
      this.gallerySubmit,
    ])
    this.chosen.setAttribute("aria-labelledby", this.chosenTitle.id)
    this.panels = {
      library: crel("section", { id: "newsroom-library-choose", className: "newsroom-library-choose" }, [
        crel("label", { htmlFor: this.search.id, textContent: T.search }),
        this.search,
        this.status,
        this.grid,
        this.galleryPanel,
      ]),
      upload: crel("section", { id: "newsroom-library-upload", hidden: true }),
    }
    this.dialog = crel(
      "dialog",
      { className: "newsroom-library", "aria-labelledby": this.title.id },
      [
        crel("div", { className: "newsroom-library-head" }, [this.title, close]),
        this.tabBar,
        this.panels.library,
        this.panels.upload,
      ],
    )
    // Closed by Esc, « Fermer » or « Annuler »: nothing chosen. (A close event can arrive after the
    // dialog was opened again for the next dropped file: that one is still waiting.)
    this.dialog.addEventListener("close", () => {
      if (!this.dialog.open) this.finish(null)
    })
    document.body.append(this.dialog)
  }

  /** Open in ``mode`` « insert », « gallery » or « dropped »; resolves to what was chosen, or null. */
  open({ mode = "insert", ids = [], caption = "", file = null, galleries = false } = {}) {
    this.finish(null)
    this.setMode(mode, ids.length > 0)
    this.galleryToggle.hidden = !(mode === "insert" && galleries)
    this.tabBar.hidden = mode === "dropped"
    this.galleryCaption.value = caption
    this.galleryError.hidden = true
    this.selection = []
    this.renderSelection()
    const done = new Promise((resolve) => {
      this.resolve = resolve
    })
    this.dialog.showModal()
    if (mode === "dropped") {
      this.show("upload").then(() => this.takeFile(file))
    } else {
      this.show("library")
      this.list()
      if (ids.length) {
        this.images({ ids: ids.join(",") })
          .then((images) => {
            // Images already clicked meanwhile come after the gallery's own.
            const added = this.selection.filter((image) => !images.some((known) => known.id === image.id))
            this.selection = [...images, ...added]
            this.renderSelection()
            this.syncPressed()
          })
          .catch(() => this.say(T.failed))
      }
    }
    return done
  }

  setMode(mode, editing = false) {
    this.mode = mode
    this.dialog.dataset.mode = mode
    this.title.textContent =
      mode === "gallery"
        ? editing
          ? T.galleryEditTitle
          : T.galleryTitle
        : { dropped: T.droppedTitle, replace: T.replaceTitle }[mode] || T.insertTitle
    this.gallerySubmit.textContent = editing ? T.updateGallery : T.insertGallery
    this.galleryPanel.hidden = mode !== "gallery"
  }

  finish(result) {
    const resolve = this.resolve
    this.resolve = null
    if (resolve) resolve(result)
    if (this.dialog.open) this.dialog.close()
  }

  say(message) {
    this.status.textContent = message
  }

  async show(name) {
    for (const [key, panel] of Object.entries(this.panels)) panel.hidden = key !== name
    for (const [key, tab] of Object.entries(this.tabs)) tab.setAttribute("aria-pressed", String(key === name))
    if (name === "upload") {
      await this.loadUploadForm()
      const submit = this.form?.querySelector("[type=submit]")
      if (submit) {
        submit.dataset.text ||= submit.textContent
        submit.textContent = this.mode === "gallery" ? T.addToGallery : submit.dataset.text
      }
      this.form?.querySelector("input[type=file]")?.focus()
    } else {
      this.search.focus()
    }
  }

  async list() {
    this.say(T.loading)
    const asked = (this.asked = (this.asked || 0) + 1)
    try {
      const images = await this.images({ q: this.search.value.trim() })
      if (asked !== this.asked) return // a later search answers instead: typing went on meanwhile
      this.grid.replaceChildren(...images.map((image) => this.thumbnail(image)))
      this.say(T.found(images.length))
    } catch {
      this.say(T.failed)
    }
  }

  thumbnail(image) {
    const choose = button("", { className: "newsroom-library-image", "data-image-id": image.id })
    if (image.thumbnail) {
      const { url, width, height } = image.thumbnail
      choose.append(crel("img", { src: url, alt: "", width, height, loading: "lazy" }))
    }
    choose.append(crel("span", { textContent: image.alternative_text || `n° ${image.id}` }))
    if (this.mode === "gallery") {
      choose.setAttribute("aria-pressed", String(this.selection.some((chosen) => chosen.id === image.id)))
    }
    choose.addEventListener("click", () => {
      if (this.mode !== "gallery") {
        this.finish({ image })
        return
      }
      const at = this.selection.findIndex((chosen) => chosen.id === image.id)
      if (at === -1) this.selection.push(image)
      else this.selection.splice(at, 1)
      choose.setAttribute("aria-pressed", String(at === -1))
      this.renderSelection()
    })
    return crel("li", {}, [choose])
  }

  // A gallery's images, in order: ↑ ↓ buttons, drag and drop, and « Retirer » --------------

  renderSelection() {
    this.chosenTitle.textContent = T.selection(this.selection.length)
    const items = this.selection.map((image, index) => {
      const name = image.alternative_text || `n° ${image.id}`
      const item = crel("li", { draggable: true, "data-image-id": image.id })
      if (image.thumbnail) item.append(crel("img", { src: image.thumbnail.url, alt: "", width: 64, height: 48 }))
      item.append(crel("span", { textContent: name }))
      const moves = [
        [T.up(name), "↑", -1],
        [T.down(name), "↓", 1],
      ]
      for (const [label, glyph, step] of moves) {
        const move = button(glyph, { "aria-label": label, title: label })
        move.disabled = index + step < 0 || index + step >= this.selection.length
        move.addEventListener("click", () => this.moveChosen(index, index + step, label))
        item.append(move)
      }
      const remove = button("✕", { "aria-label": T.remove(name), title: T.remove(name) })
      remove.addEventListener("click", () => {
        this.selection.splice(index, 1)
        this.renderSelection()
        this.syncPressed()
      })
      item.append(remove)
      item.addEventListener("dragstart", (event) => {
        event.dataTransfer.setData("application/x-newsroom-gallery", String(index))
        event.dataTransfer.effectAllowed = "move"
      })
      item.addEventListener("dragover", (event) => {
        if (event.dataTransfer.types.includes("application/x-newsroom-gallery")) event.preventDefault()
      })
      item.addEventListener("drop", (event) => {
        const from = Number(event.dataTransfer.getData("application/x-newsroom-gallery"))
        event.preventDefault()
        this.moveChosen(from, index)
      })
      return item
    })
    this.chosen.replaceChildren(...items)
    if (!items.length) this.chosen.append(crel("li", { className: "newsroom-library-hint", textContent: T.selectionEmpty }))
  }

  moveChosen(from, to, refocusLabel = null) {
    if (from === to || to < 0 || to >= this.selection.length) return
    const [image] = this.selection.splice(from, 1)
    this.selection.splice(to, 0, image)
    this.renderSelection()
    // The keyboard stays on the button that moved the image, now on its new line.
    if (refocusLabel) {
      const again = [...this.chosen.querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === refocusLabel)
      ;(again && !again.disabled ? again : this.chosen.children[to]?.querySelector("button:not([disabled])"))?.focus()
    }
  }

  syncPressed() {
    for (const choose of this.grid.querySelectorAll("[data-image-id]")) {
      const id = Number(choose.dataset.imageId)
      choose.setAttribute("aria-pressed", String(this.selection.some((image) => image.id === id)))
    }
  }

  submitGallery() {
    if (this.selection.length < 2) {
      this.galleryError.textContent = T.galleryTooShort
      this.galleryError.hidden = false
      return
    }
    this.finish({ gallery: { ids: this.selection.map((image) => image.id), caption: this.galleryCaption.value.trim() } })
  }

  // Upload: the picker's own form, posted in the background -----------------------------

  async loadUploadForm() {
    if (this.form !== undefined) return
    this.form = null
    try {
      const response = await fetch(this.pickerUrl, { credentials: "same-origin" })
      const page = new DOMParser().parseFromString(await response.text(), "text/html")
      const form = page.getElementById("picker-upload")
      if (!form) {
        this.tabs.upload.hidden = true // this person may not add images
        this.panels.upload.replaceChildren(crel("p", { className: "errornote", textContent: T.mayNotAdd }))
        return
      }
      this.form = document.importNode(form, true)
    } catch {
      this.form = undefined
      this.panels.upload.replaceChildren(crel("p", { className: "errornote", textContent: T.failed }))
      return
    }
    this.form.className = "newsroom-library-form"
    this.uploadStatus = this.form.querySelector("[role=status]")
    this.preview = crel("canvas", { className: "newsroom-library-preview", hidden: true, "aria-hidden": "true" })
    this.form.prepend(this.preview)
    this.form.querySelector("input[type=file]")?.addEventListener("change", (event) => {
      this.showPreview(event.target.files[0])
      this.checkFile(event.target.files[0])
    })
    const cancel = button(T.cancel)
    cancel.addEventListener("click", () => this.dialog.close())
    this.form.querySelector("[type=submit]").after(" ", cancel)
    this.form.addEventListener("submit", (event) => {
      event.preventDefault()
      this.upload()
    })
    this.panels.upload.replaceChildren(this.form)
  }

  // Drawn on a canvas, not shown from a blob: address, which the staff pages' img-src refuses.
  async showPreview(file) {
    this.preview.hidden = true
    if (!file?.type.startsWith("image/")) return
    try {
      const bitmap = await createImageBitmap(file)
      const scale = Math.min(1, 256 / bitmap.width, 160 / bitmap.height)
      this.preview.width = Math.round(bitmap.width * scale)
      this.preview.height = Math.round(bitmap.height * scale)
      this.preview.getContext("2d").drawImage(bitmap, 0, 0, this.preview.width, this.preview.height)
      bitmap.close()
      this.preview.hidden = false
    } catch {
      // Not decodable here: the server says what is wrong with it once it is sent.
    }
  }

  /** What is wrong with a file before sending it, in French, or null. */
  fileProblem(file) {
    if (!file) return null
    if (!file.type.startsWith("image/")) return T.notAnImage(file.name)
    if (this.maxBytes && file.size > this.maxBytes) return T.tooLarge(file.name, this.maxBytes)
    return null
  }

  checkFile(file) {
    const problem = this.fileProblem(file)
    this.showErrors(problem ? { file: [problem] } : {})
    return !problem
  }

  async takeFile(file) {
    if (!this.form) return
    // The library's size limit comes with its list, not shown yet when a file is dropped.
    if (this.maxBytes == null) await this.images({ ids: "0" }).catch(() => null)
    const input = this.form.querySelector("input[type=file]")
    const transfer = new DataTransfer()
    transfer.items.add(file)
    input.files = transfer.files
    this.showPreview(file)
    this.uploadStatus.textContent = ""
    if (this.checkFile(file)) {
      this.uploadStatus.textContent = T.describe
      this.form.querySelector("[data-field=alt_text] input, [data-field=alt_text] textarea")?.focus()
    }
  }

  showErrors(errors) {
    for (const row of this.form.querySelectorAll("[data-field]")) {
      const list = row.querySelector(".errorlist")
      const messages = errors[row.dataset.field] || []
      list.replaceChildren(...messages.map((message) => crel("li", { textContent: message })))
      list.hidden = !messages.length
      const input = row.querySelector("input, textarea, select")
      if (!input) continue
      if (messages.length) {
        input.setAttribute("aria-invalid", "true")
        input.setAttribute("aria-describedby", list.id)
      } else {
        input.removeAttribute("aria-invalid")
      }
    }
    const nonField = errors.__all__ || []
    if (nonField.length) this.uploadStatus.textContent = nonField.join(" ")
    this.form.querySelector("[aria-invalid=true]")?.focus()
  }

  async upload() {
    const form = this.form
    const messages = form.dataset
    const file = form.querySelector("input[type=file]")?.files[0]
    if (!this.checkFile(file)) return
    const submit = form.querySelector("[type=submit]")
    submit.disabled = true
    this.uploadStatus.textContent = messages.messageSending
    try {
      const response = await fetch(this.pickerUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
      if (response.status === 413) {
        this.uploadStatus.textContent = messages.messageTooLarge
        return
      }
      const result = await response.json()
      if (!response.ok) {
        this.uploadStatus.textContent = messages.messageRefused
        this.showErrors(result.errors || {})
        return
      }
      this.showErrors({})
      form.reset()
      this.showPreview(null)
      this.uploadStatus.textContent = messages.messageAdded
      if (this.mode === "gallery") {
        this.selection.push(result.image)
        this.renderSelection()
        this.show("library")
        this.list()
      } else {
        this.finish({ image: result.image })
      }
    } catch {
      this.uploadStatus.textContent = messages.messageFailed
    } finally {
      submit.disabled = false
    }
  }
}

// In the text ----------------------------------------------------------------------------

/** A library image as a figure, its caption the library's (readers get the typed one first). */
export const figureContent = (image) => {
  const content = [{ type: "image", attrs: { src: image.url, alt: image.alternative_text, file: String(image.id) } }]
  if (image.caption) content.push({ type: "caption", content: [{ type: "text", text: image.caption }] })
  return { type: "figure", content }
}

const placeholderKey = new PluginKey("newsroomUploadPlaceholder")

const placeholderWidget = () =>
  crel("span", { className: "newsroom-upload-placeholder", textContent: T.waiting, contentEditable: "false" })

/** The upload placeholders' positions, kept through every edit made while the dialog is open. */
const placeholderPlugin = () =>
  new Plugin({
    key: placeholderKey,
    state: {
      init: () => DecorationSet.empty,
      apply(tr, set) {
        let next = set.map(tr.mapping, tr.doc)
        const meta = tr.getMeta(placeholderKey)
        if (meta?.add) {
          const widget = Decoration.widget(meta.add.pos, placeholderWidget, { id: meta.add.id, side: -1 })
          next = next.add(tr.doc, [widget])
        }
        if (meta?.remove) next = next.remove(next.find(null, null, (spec) => spec.id === meta.remove))
        return next
      },
    },
    props: {
      decorations(state) {
        return placeholderKey.getState(state)
      },
    },
  })

const placeholderPos = (state, id) => placeholderKey.getState(state).find(null, null, (spec) => spec.id === id)[0]?.from

let placeholders = 0

export const NewsroomLibrary = Extension.create({
  name: "newsroomLibrary",
  // Below the package's Figure (100), so that our insertFigure replaces its popup window.
  priority: 60,

  addOptions() {
    return { pickerUrl: null }
  },

  addStorage() {
    // Ready before the first node views are drawn (gallery.js asks for thumbnails there).
    const pickerUrl = this.options.pickerUrl
    let dialog = null
    const library = () => {
      dialog ||= window.newsroomLibraryDialog ||= new LibraryDialog(pickerUrl)
      return dialog
    }
    return {
      open: (options) => library().open(options),
      images: (ids) => library().images({ ids: ids.join(",") }),
    }
  },

  addCommands() {
    const storage = this.storage
    return {
      insertFigure:
        () =>
        ({ editor, state, dispatch, commands }) => {
          // In a figure already there: the same dialog changes its picture, keeping its caption.
          const figure = figureAt(state)
          if (figure != null) {
            if (!dispatch) return true
            storage.open({ mode: "replace" }).then((result) => {
              if (result?.image) replaceImage(editor, figure, result.image)
              else editor.commands.focus()
            })
            return true
          }
          if (!canInsertNode(state, state.schema.nodes.figure)) return false
          if (!dispatch) return true
          const galleries = !!state.schema.nodes.gallery
          storage.open({ mode: "insert", galleries }).then((result) => {
            if (result?.image) insertImage(editor, result.image)
            else if (result?.gallery) insertGallery(editor, result.gallery)
            else editor.commands.focus()
          })
          return true
        },
    }
  },

  addProseMirrorPlugins() {
    const editor = this.editor
    const storage = this.storage
    const take = (view, files, pos) => {
      uploadInPlace(editor, storage, files, pos)
      return true
    }
    return [
      placeholderPlugin(),
      new Plugin({
        key: new PluginKey("newsroomDropUpload"),
        props: {
          handleDrop(view, event, _slice, moved) {
            const files = [...(event.dataTransfer?.files || [])]
            if (moved || !files.length) return false
            event.preventDefault()
            const at = view.posAtCoords({ left: event.clientX, top: event.clientY })
            return take(view, files, at ? at.pos : view.state.selection.from)
          },
          handlePaste(view, event) {
            const files = [...(event.clipboardData?.files || [])]
            // Text copied from a word processor comes with a picture of itself: the text wins.
            if (!files.length || event.clipboardData.getData("text/plain")) return false
            event.preventDefault()
            return take(view, files, view.state.selection.from)
          },
        },
      }),
    ]
  },
})

/** The figure holding the selection (its caption, its picture or itself selected): its position. */
const figureAt = (state) => {
  const { selection } = state
  if (selection.node?.type.name === "figure") return selection.from
  const { $from } = selection
  for (let depth = $from.depth; depth > 0; depth--) {
    if ($from.node(depth).type.name === "figure") return $from.before(depth)
  }
  if (selection.node?.type.name === "image" && $from.parent.type.name === "figure") return $from.before()
  return null
}

function replaceImage(editor, figurePos, image) {
  const figure = editor.state.doc.nodeAt(figurePos)
  let imagePos = null
  let current = null
  figure?.forEach((child, offset) => {
    if (child.type.name === "image") [imagePos, current] = [figurePos + 1 + offset, child]
  })
  if (current == null) return
  const attrs = { src: image.url, alt: image.alternative_text, file: String(image.id) }
  editor
    .chain()
    .focus()
    .command(({ tr }) => {
      tr.setNodeMarkup(imagePos, undefined, { ...current.attrs, ...attrs })
      return true
    })
    .run()
}

function insertGallery(editor, { ids, caption }) {
  editor
    .chain()
    .focus()
    .insertContent({ type: "gallery", attrs: { ids: ids.join(" "), caption } })
    .run()
  editor.commands.goOnAfter?.("gallery") // writing.js: the cursor after it, not on it
}

/** Where a dropped image goes: between blocks, after the one it was dropped on (never cutting a
 * sentence, a list or a caption in two). */
const blockBoundary = (doc, pos) => {
  const $pos = doc.resolve(Math.min(Math.max(pos, 0), doc.content.size))
  return $pos.depth === 0 ? $pos.pos : $pos.after(1)
}

function insertImage(editor, image, pos = null) {
  // writing.js then puts the cursor after the new figure, as after any image insertion.
  if (editor.storage.figure) editor.storage.figure.awaitingInsert = true
  const chain = editor.chain().focus()
  ;(pos == null ? chain.insertContent(figureContent(image)) : chain.insertContentAt(pos, figureContent(image))).run()
}

/** Each file in turn: a placeholder, the dialog for its alt text, then its figure (or nothing). */
async function uploadInPlace(editor, storage, files, pos) {
  for (const file of files) {
    const id = `upload-${++placeholders}`
    pos = blockBoundary(editor.state.doc, pos)
    editor.view.dispatch(editor.state.tr.setMeta(placeholderKey, { add: { pos, id } }))
    const result = await storage.open({ mode: "dropped", file })
    const at = placeholderPos(editor.state, id) ?? editor.state.selection.from
    editor.view.dispatch(editor.state.tr.setMeta(placeholderKey, { remove: id }))
    if (!result?.image) {
      editor.commands.focus()
      return // cancelled: the other files are not asked for either
    }
    insertImage(editor, result.image, at)
    pos = editor.state.selection.from // the next file after this one
  }
}
