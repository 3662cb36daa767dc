// Documents, audio and video of the library (the documents app) in the editor, without leaving the page.
// - « Document, son ou vidéo » opens a <dialog> listing the library (search, newest first) with an
//   upload form: the library's own JSON (documents/admin.py, library_view), its French errors shown
//   next to their field, the chosen file and typed texts kept when refused.
// - A document (PDF, office file) chosen there becomes a link to its stable address, its title as
//   the link's text when nothing is selected: readers get « Budget 2024 (PDF, 1,2 Mo) ».
// - Audio or video becomes a player: <figure data-media="ID"><figcaption>…</figcaption></figure>
//   (articles.body checks the id; documents.rendering renders the browser's own player).
import { Extension, Node, canInsertNode, crel } from "django-prose-editor/editor"

const T = {
  button: "Document, son ou vidéo",
  buttonTitle: "Insérer un document, un son ou une vidéo de la médiathèque",
  title: "Document, son ou vidéo",
  close: "Fermer",
  search: "Rechercher dans la médiathèque (titre, description)",
  loading: "Chargement de la médiathèque…",
  found: (count) => (count ? `${count} élément${count > 1 ? "s" : ""}` : "Rien ne correspond."),
  failed: "La médiathèque ne répond pas (connexion ?). Réessayez.",
  upload: "Ajouter à la médiathèque",
  file: "Fichier (PDF, Word, Excel, OpenDocument, MP3, MP4…)",
  docTitle: "Titre",
  description: "Transcription ou description (conseillée pour un son ou une vidéo)",
  send: "Ajouter et insérer",
  sending: "Envoi en cours…",
  captionPrompt: "Légende (facultative)",
  playerName: { audio: "Son", video: "Vidéo" },
  unknown: (id) => `de la médiathèque (n° ${id})`,
  editCaption: "Modifier la légende",
}

const csrfToken = () =>
  document.querySelector("input[name=csrfmiddlewaretoken]")?.value ||
  document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)?.[1] ||
  ""

const button = (textContent, attributes = {}) => crel("button", { type: "button", textContent, ...attributes })

// What the library said of each document already seen on this page, by id (titles for the players).
const known = new Map()

class MediaDialog {
  constructor(libraryUrl) {
    this.libraryUrl = libraryUrl
    this.resolve = null
    this.build()
  }

  build() {
    const heading = crel("h2", { id: "newsroom-media-title", textContent: T.title })
    const close = button(T.close, { className: "newsroom-library-close", value: "cancel" })
    close.addEventListener("click", () => this.dialog.close())
    this.search = crel("input", { type: "search", id: "newsroom-media-q" })
    let timer = null
    this.search.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(() => this.list(), 250)
    })
    this.search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault()
    })
    this.status = crel("p", { role: "status", className: "newsroom-library-status" })
    this.results = crel("ul", { className: "newsroom-media-list" })

    this.fields = {
      file: crel("input", { type: "file", id: "newsroom-media-file", name: "file", required: true }),
      title: crel("input", { type: "text", id: "newsroom-media-doc-title", name: "title", maxLength: 200 }),
      description: crel("textarea", { id: "newsroom-media-description", name: "description", rows: 3 }),
    }
    this.errors = {}
    const row = (name, label) => {
      this.errors[name] = crel("ul", { className: "errorlist", id: `newsroom-media-${name}-errors`, hidden: true })
      this.fields[name].setAttribute("aria-describedby", this.errors[name].id)
      return crel("div", { className: "newsroom-media-field" }, [
        crel("label", { htmlFor: this.fields[name].id, textContent: label }),
        this.errors[name],
        this.fields[name],
      ])
    }
    this.errors.__all__ = crel("p", { className: "errornote", role: "alert", hidden: true })
    this.send = button(T.send, { className: "default" })
    this.send.addEventListener("click", () => this.upload())
    const form = crel("section", { className: "newsroom-media-upload", "aria-labelledby": "newsroom-media-upload-title" }, [
      crel("h3", { id: "newsroom-media-upload-title", textContent: T.upload }),
      this.errors.__all__,
      row("file", T.file),
      row("title", T.docTitle),
      row("description", T.description),
      this.send,
    ])
    this.dialog = crel("dialog", { className: "newsroom-library newsroom-media", "aria-labelledby": heading.id }, [
      crel("div", { className: "newsroom-library-head" }, [heading, close]),
      crel("label", { htmlFor: this.search.id, textContent: T.search }),
      this.search,
      this.status,
      this.results,
      form,
    ])
    this.dialog.addEventListener("close", () => {
      const resolve = this.resolve
      this.resolve = null
      resolve?.(null)
    })
    document.body.append(this.dialog)
  }

  open() {
    this.list()
    this.dialog.showModal()
    this.search.focus()
    return new Promise((resolve) => {
      this.resolve = resolve
    })
  }

  choose(entry) {
    known.set(entry.id, entry)
    const resolve = this.resolve
    this.resolve = null
    this.dialog.close()
    resolve?.(entry)
  }

  async list() {
    this.status.textContent = T.loading
    try {
      const address = new URL(this.libraryUrl, window.location.href)
      if (this.search.value.trim()) address.searchParams.set("q", this.search.value.trim())
      const response = await fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      if (!response.ok) throw new Error(response.statusText)
      const { documents } = await response.json()
      this.status.textContent = T.found(documents.length)
      this.results.replaceChildren(
        ...documents.map((entry) => {
          known.set(entry.id, entry)
          const choice = button("", { className: "newsroom-media-choice" })
          choice.append(crel("strong", { textContent: entry.title }), ` (${entry.meta})`)
          choice.addEventListener("click", () => this.choose(entry))
          return crel("li", {}, [choice])
        }),
      )
    } catch {
      this.status.textContent = T.failed
    }
  }

  showErrors(errors) {
    for (const [name, list] of Object.entries(this.errors)) {
      const messages = errors[name] || []
      list.hidden = !messages.length
      if (name === "__all__") list.textContent = messages.join(" ")
      else list.replaceChildren(...messages.map((message) => crel("li", { textContent: message })))
      this.fields[name]?.setAttribute("aria-invalid", messages.length ? "true" : "false")
    }
    const first = Object.keys(errors).find((name) => this.fields[name])
    if (first) this.fields[first].focus()
  }

  async upload() {
    const data = new FormData()
    for (const [name, field] of Object.entries(this.fields)) {
      if (name === "file") {
        if (field.files[0]) data.append(name, field.files[0])
      } else data.append(name, field.value)
    }
    this.send.disabled = true
    this.send.textContent = T.sending
    try {
      const response = await fetch(this.libraryUrl, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        credentials: "same-origin",
      })
      const answer = await response.json()
      if (!response.ok) {
        this.showErrors(answer.errors || { __all__: [T.failed] })
        return // the chosen file and the typed texts stay in the form
      }
      this.showErrors({})
      for (const field of Object.values(this.fields)) field.value = ""
      this.choose(answer.document)
    } catch {
      this.showErrors({ __all__: [T.failed] })
    } finally {
      this.send.disabled = false
      this.send.textContent = T.send
    }
  }
}

let dialog = null

export const Media = Node.create({
  name: "media",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      id: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-media") || "",
        renderHTML: (attributes) => ({ "data-media": attributes.id }),
      },
      caption: {
        default: "",
        parseHTML: (element) => element.querySelector("figcaption")?.textContent.trim() || "",
        renderHTML: () => ({}),
      },
    }
  },

  parseHTML() {
    // Before the package's Figure, which takes any <figure> (priority 50).
    return [{ tag: "figure[data-media]", priority: 70 }]
  },

  renderHTML({ node, HTMLAttributes }) {
    const figure = ["figure", HTMLAttributes]
    if (node.attrs.caption) figure.push(["figcaption", {}, node.attrs.caption])
    return figure
  },

  addNodeView() {
    return ({ node, editor, getPos }) => {
      const title = crel("p", { className: "newsroom-media-name" })
      const caption = crel("p", { className: "newsroom-gallery-caption" })
      const edit = button(T.editCaption, { className: "newsroom-gallery-edit" })
      const dom = crel("figure", { className: "newsroom-gallery newsroom-media-figure", contentEditable: "false" }, [
        title,
        caption,
        edit,
      ])
      edit.addEventListener("click", () => {
        const text = window.prompt(T.captionPrompt, node.attrs.caption)
        if (text === null) return
        editor
          .chain()
          .focus()
          .command(({ tr }) => {
            tr.setNodeMarkup(getPos(), undefined, { ...node.attrs, caption: text.trim() })
            return true
          })
          .run()
      })
      const draw = () => {
        dom.dataset.media = node.attrs.id
        const entry = known.get(Number(node.attrs.id))
        const kind = T.playerName[entry?.kind] || "Son ou vidéo"
        title.replaceChildren(crel("strong", { textContent: kind }), ` · ${entry ? entry.title : T.unknown(node.attrs.id)}`)
        caption.textContent = node.attrs.caption
      }
      draw()
      return {
        dom,
        update(updated) {
          if (updated.type !== node.type) return false
          node = updated
          draw()
          return true
        },
        stopEvent: (event) => !!event.target.closest?.("button"),
        ignoreMutation: () => true,
      }
    }
  },
})

export const NewsroomMedia = Extension.create({
  name: "newsroomMedia",

  addOptions() {
    return { libraryUrl: "" }
  },

  addCommands() {
    return {
      insertFromMediaLibrary:
        () =>
        ({ editor, state, dispatch }) => {
          if (!this.options.libraryUrl) return false
          if (!dispatch) return true
          dialog ??= new MediaDialog(this.options.libraryUrl)
          const { from, to, empty } = state.selection
          dialog.open().then((entry) => {
            if (!entry) {
              editor.commands.focus()
              return
            }
            const chain = editor.chain().focus().setTextSelection({ from, to })
            if (entry.kind === "audio" || entry.kind === "video") {
              if (editor.commands.leaveFigure) editor.commands.leaveFigure("empty")
              if (canInsertNode(editor.state, editor.schema.nodes.media)) {
                chain.insertContent({ type: "media", attrs: { id: String(entry.id), caption: "" } }).run()
                editor.commands.goOnAfter?.("media") // writing.js: the cursor after it, not on it
              }
            } else if (empty) {
              chain
                .insertContent({ type: "text", text: entry.title, marks: [{ type: "link", attrs: { href: entry.url } }] })
                .run()
            } else {
              chain.setLink({ href: entry.url }).run()
            }
          })
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "mediaLibrary",
      groups: "nodes",
      button: buttons.material("attach_file", T.buttonTitle),
      option: crel("p", { textContent: T.button }),
      enabled: (editor) => editor.can().insertFromMediaLibrary(),
      command: (editor) => editor.commands.insertFromMediaLibrary(),
    })
  },
})
