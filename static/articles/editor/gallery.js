// Galleries (« Diaporama ») in the editor: several library images, in order, under one caption.
// Stored as <figure data-gallery="12 15 18"><figcaption>…</figcaption></figure> (articles.body
// checks it; articles.galleries renders it for readers). Shown while writing as a strip of
// thumbnails with their count; chosen, reordered and changed in the library's dialog (library.js),
// from the toolbar's « Diaporama » button, a double click or « Modifier le diaporama ».
import { Node, canInsertNode, crel } from "django-prose-editor/editor"

const T = {
  button: "Créer un diaporama",
  name: "Diaporama",
  count: (count) => `${count} image${count > 1 ? "s" : ""}`,
  edit: "Modifier le diaporama",
  noCaption: "(sans légende)",
}

const idsOf = (value) => (value || "").trim().split(/\s+/).filter(Boolean)

// Thumbnails already asked for, by image id, for every gallery of the page.
const known = new Map()

const library = (editor) => editor.storage.newsroomLibrary

export const Gallery = Node.create({
  name: "gallery",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      ids: {
        default: "",
        parseHTML: (element) => idsOf(element.getAttribute("data-gallery")).join(" "),
        renderHTML: (attributes) => ({ "data-gallery": attributes.ids }),
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
    return [{ tag: "figure[data-gallery]", priority: 70 }]
  },

  renderHTML({ node, HTMLAttributes }) {
    const figure = ["figure", HTMLAttributes]
    if (node.attrs.caption) figure.push(["figcaption", {}, node.attrs.caption])
    return figure
  },

  addCommands() {
    return {
      editGallery:
        (pos = null) =>
        ({ editor, state, dispatch }) => {
          const selected = state.selection.node?.type.name === this.name ? state.selection.from : null
          const at = pos ?? selected
          const node = at == null ? null : state.doc.nodeAt(at)
          if (at == null && !canInsertNode(state, state.schema.nodes[this.name])) return false
          if (!library(editor)?.open) return false
          if (!dispatch) return true
          const current = node ? { ids: idsOf(node.attrs.ids).map(Number), caption: node.attrs.caption } : {}
          library(editor)
            .open({ mode: "gallery", ...current })
            .then((result) => {
              if (!result?.gallery) {
                editor.commands.focus()
                return
              }
              const attrs = { ids: result.gallery.ids.join(" "), caption: result.gallery.caption }
              if (node) {
                editor
                  .chain()
                  .focus()
                  .command(({ tr }) => {
                    tr.setNodeMarkup(at, undefined, attrs)
                    return true
                  })
                  .setNodeSelection(at)
                  .run()
              } else {
                editor.chain().focus().insertContent({ type: this.name, attrs }).run()
                editor.commands.goOnAfter?.(this.name) // writing.js: the cursor after it, not on it
              }
            })
          return true
        },
    }
  },

  addKeyboardShortcuts() {
    // A selected gallery (reached with the arrow keys) opens with Enter, as a double click does.
    const selected = (editor) => editor.state.selection.node?.type.name === this.name
    return {
      Enter: ({ editor }) => selected(editor) && editor.commands.editGallery(),
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "gallery",
      groups: "nodes",
      button: buttons.svg(
        // Two pictures, one behind the other: no icon font needed.
        `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" aria-hidden="true" focusable="false"><rect x="7" y="3" width="14" height="12" rx="1"/><path d="M3 8v12h14"/><path d="M9 13l3-4 3 3 2-2 4 3"/></svg>`,
        T.button,
      ),
      option: crel("p", { textContent: T.name }),
      active: (editor) => editor.isActive("gallery"),
      enabled: (editor) => editor.can().editGallery(),
      command: (editor) => editor.commands.editGallery(),
    })
  },

  addNodeView() {
    return ({ node, editor, getPos }) => {
      const title = crel("p", { className: "newsroom-gallery-title" })
      // Not a list: the package's overrides.css gives every list of the text its bullets (!important).
      const strip = crel("div", { className: "newsroom-gallery-strip" })
      const caption = crel("p", { className: "newsroom-gallery-caption" })
      const edit = crel("button", { type: "button", className: "newsroom-gallery-edit", textContent: T.edit })
      const dom = crel("figure", { className: "newsroom-gallery", contentEditable: "false" }, [title, strip, caption, edit])
      const open = () => editor.commands.editGallery(getPos())
      edit.addEventListener("click", open)
      dom.addEventListener("dblclick", open)

      const draw = (current) => {
        const ids = idsOf(current.attrs.ids).map(Number)
        dom.dataset.gallery = current.attrs.ids
        title.replaceChildren(crel("strong", { textContent: T.name }), ` · ${T.count(ids.length)}`)
        caption.textContent = current.attrs.caption || T.noCaption
        const thumbnails = () =>
          strip.replaceChildren(
            ...ids.map((id) => {
              const image = known.get(id)
              const item = crel("span", { title: image?.alternative_text || `n° ${id}` })
              if (image?.thumbnail) item.append(crel("img", { src: image.thumbnail.url, alt: "", width: 80, height: 60 }))
              else item.textContent = `n° ${id}`
              return item
            }),
          )
        thumbnails()
        const missing = ids.filter((id) => !known.has(id))
        if (missing.length && library(editor)?.images) {
          library(editor)
            .images(missing)
            .then((images) => {
              for (const image of images) known.set(image.id, image)
              thumbnails()
            })
            .catch(() => {}) // numbers shown instead of pictures: the gallery itself is intact
        }
      }
      draw(node)

      return {
        dom,
        update(updated) {
          if (updated.type !== node.type) return false
          node = updated
          draw(node)
          return true
        },
        stopEvent: (event) => !!event.target.closest?.("button"),
        ignoreMutation: () => true,
      }
    }
  },
})
