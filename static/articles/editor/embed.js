// Embeds in the editor: a post or a video of another site, pasted as its address.
// Stored as <figure data-embed="youtube" data-embed-id="…"><figcaption>…</figcaption></figure>
// (articles.body checks it; articles.embeds renders the readers' facade). The server says what an
// address is (articles/admin_embeds.py): the providers are declared once, in articles/embeds.py,
// and this module only learns their host names from the editor's configuration, to know which
// pasted addresses to offer as an embed.
// - « Intégrer un contenu » (toolbar) opens a dialog: « Adresse du contenu » and « Texte pour les
//   lecteurs »; a refused address gets the server's French message next to its field, and
//   nothing typed is lost.
// - An address of a known provider pasted alone on an empty line opens the same dialog, the
//   address filled in; cancelled, the address is pasted as text after all.
// - Shown while writing as a grey box naming the provider and the text; a double click or
//   « Modifier » edits it.
import { Node, canInsertNode, crel, pm } from "django-prose-editor/editor"

const { NodeSelection, Plugin, PluginKey, TextSelection } = pm.state

const T = {
  button: "Intégrer un contenu",
  buttonTitle: "Intégrer un contenu (YouTube, X, Instagram, Datawrapper…) depuis son adresse",
  title: "Intégrer un contenu",
  address: "Adresse du contenu",
  addressHelp: "L’adresse de la page de la vidéo, du message ou du graphique, copiée depuis son site.",
  text: "Texte pour les lecteurs",
  textHelp:
    "Ce que montre le contenu, en une phrase : les lecteurs le lisent avant de choisir de l’afficher, et les flux le reprennent.",
  textMissing: "Écrivez quelques mots pour les lecteurs : ce que montre ce contenu.",
  submit: "Intégrer",
  update: "Mettre à jour",
  cancel: "Annuler",
  checking: "Vérification de l’adresse…",
  unreachable: "Le serveur ne répond pas (connexion ?) : réessayez dans un instant.",
  edit: "Modifier",
  name: "Contenu intégré",
}

let dialogs = 0

/** The dialog: resolves with { provider, name, id, text }, or null when cancelled. */
const embedDialog = (editor, recogniseUrl, { address = "", text = "", editing = false } = {}) =>
  new Promise((resolve) => {
    const prefix = `newsroom-embed-${++dialogs}`
    const field = (name, label, help, input) => {
      const error = crel("p", { className: "newsroom-embed-error errornote", id: `${prefix}-${name}-error`, hidden: true })
      const helpText = crel("span", { className: "prose-editor-help", id: `${prefix}-${name}-help`, textContent: help })
      input.setAttribute("aria-describedby", `${helpText.id} ${error.id}`)
      const row = crel("div", { className: "prose-editor-dialog-field" }, [
        crel("label", { htmlFor: input.id, textContent: label }),
        helpText,
        input,
        error,
      ])
      return { row, input, error }
    }
    const addressField = field(
      "address",
      T.address,
      T.addressHelp,
      crel("input", {
        id: `${prefix}-address`,
        name: "address",
        type: "text",
        inputMode: "url",
        autocomplete: "off",
        spellcheck: false,
        value: address,
        size: 60,
      }),
    )
    const textField = field(
      "text",
      T.text,
      T.textHelp,
      crel("input", { id: `${prefix}-text`, name: "text", type: "text", value: text, size: 60, maxLength: 300 }),
    )
    const status = crel("p", { className: "newsroom-embed-status", role: "status" })
    const submit = crel("button", { type: "submit", textContent: editing ? T.update : T.submit })
    const cancel = crel("button", { type: "button", value: "cancel", textContent: T.cancel })
    const form = crel("form", { noValidate: true }, [
      crel("h3", { className: "prose-editor-dialog-title", id: `${prefix}-title`, textContent: T.title }),
      addressField.row,
      textField.row,
      status,
      crel("div", { className: "prose-editor-dialog-buttons" }, [submit, cancel]),
    ])
    const dialog = crel("dialog", { className: "prose-editor-dialog newsroom-embed-dialog", "aria-labelledby": `${prefix}-title` }, [form])
    const holder = crel("div", {}, [dialog])
    editor.view.dom.parentElement.append(holder)

    let result = null
    const show = ({ input, error }, message) => {
      error.textContent = message || ""
      error.hidden = !message
      if (message) input.setAttribute("aria-invalid", "true")
      else input.removeAttribute("aria-invalid")
    }
    cancel.addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => {
      holder.remove()
      resolve(result)
    })
    form.addEventListener("submit", async (event) => {
      event.preventDefault()
      const typedText = textField.input.value.trim()
      show(textField, typedText ? "" : T.textMissing)
      show(addressField, "")
      submit.disabled = true
      status.textContent = T.checking
      let answer
      try {
        const url = new URL(recogniseUrl, window.location.href)
        url.searchParams.set("address", addressField.input.value.trim())
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        answer = await response.json()
      } catch {
        answer = { error: T.unreachable }
      } finally {
        submit.disabled = false
        status.textContent = ""
      }
      if (answer.error) {
        show(addressField, answer.error)
        addressField.input.focus()
        return
      }
      if (!typedText) {
        textField.input.focus()
        return
      }
      result = { provider: answer.provider, name: answer.name, id: answer.id, text: typedText }
      dialog.close()
    })
    dialog.showModal()
    ;(address ? textField : addressField).input.focus()
  })

/** A lone address, as pasted: one line, http(s), a host of a declared provider. */
const providerAddress = (text, hosts) => {
  if (!/^https?:\/\/\S+$/i.test(text) && !/^[a-z0-9.-]+\.[a-z]{2,}\/\S*$/i.test(text)) return false
  try {
    const url = new URL(/^https?:/i.test(text) ? text : `https://${text}`)
    return !url.username && !url.password && hosts.includes(url.hostname)
  } catch {
    return false
  }
}

const onEmptyLine = (state) => {
  const { $from, empty } = state.selection
  return empty && $from.parent.type.name === "paragraph" && $from.parent.content.size === 0
}

/** After inserting an embed amid the text (it ends up selected), the cursor goes on after it, in the
 * next paragraph or a new one: typing never replaces the embed just inserted. */
const cursorAfter = (editor, typeName) => {
  const { state } = editor
  const { selection } = state
  if (!(selection instanceof NodeSelection) || selection.node.type.name !== typeName) return
  const after = selection.to
  let tr = state.tr
  if (!state.doc.nodeAt(after)?.isTextblock) tr = tr.insert(after, state.schema.nodes.paragraph.create())
  editor.view.dispatch(tr.setSelection(TextSelection.create(tr.doc, after + 1)).scrollIntoView())
}

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { recogniseUrl: "", hosts: [], names: {} }
  },

  addAttributes() {
    return {
      provider: { default: "", parseHTML: (element) => element.getAttribute("data-embed") || "", rendered: false },
      embedId: { default: "", parseHTML: (element) => element.getAttribute("data-embed-id") || "", rendered: false },
      text: {
        default: "",
        parseHTML: (element) => element.querySelector("figcaption")?.textContent.trim() || "",
        rendered: false,
      },
    }
  },

  parseHTML() {
    // Before the package's Figure, which takes any <figure> (priority 50).
    return [{ tag: "figure[data-embed]", priority: 70 }]
  },

  renderHTML({ node }) {
    // Exactly the stored form, nothing of the editor's own display.
    return [
      "figure",
      { "data-embed": node.attrs.provider, "data-embed-id": node.attrs.embedId },
      ["figcaption", {}, node.attrs.text],
    ]
  },

  addCommands() {
    return {
      /** Insert an embed (``address`` filled in, as pasted), or edit the one at ``pos`` / selected. */
      editEmbed:
        ({ pos = null, address = "", onCancel = null } = {}) =>
        ({ editor, state, dispatch }) => {
          const selected = state.selection.node?.type.name === this.name ? state.selection.from : null
          const at = pos ?? selected
          const node = at == null ? null : state.doc.nodeAt(at)
          if (at == null && !canInsertNode(state, state.schema.nodes[this.name])) return false
          if (!this.options.recogniseUrl) return false
          if (!dispatch) return true
          const current = node?.attrs || {}
          const known = node ? linkOf(this.options.recogniseUrl, current) : Promise.resolve(address)
          known
            .then((filled) =>
              embedDialog(editor, this.options.recogniseUrl, { address: filled, text: current.text || "", editing: !!node }),
            )
            .then((result) => {
              if (!result) {
                if (onCancel) onCancel()
                else editor.commands.focus()
                return
              }
              const attrs = { provider: result.provider, embedId: result.id, text: result.text }
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
                const content = { type: this.name, attrs }
                if (onEmptyLine(editor.state)) {
                  // Before the empty line it was asked from, where the cursor stays: writing goes on after it.
                  editor.chain().focus().insertContentAt(editor.state.selection.$from.before(), content, { updateSelection: false }).run()
                } else {
                  editor.chain().focus().insertContent(content).run()
                  cursorAfter(editor, this.name)
                }
              }
            })
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      button: buttons.svg(
        // A frame with a play mark: no font needed.
        `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><rect x="2" y="4" width="20" height="16" rx="2"/><path d="M10 9l5 3-5 3z"/></svg>`,
        T.buttonTitle,
      ),
      option: crel("p", { textContent: T.button }),
      active: (editor) => editor.isActive("embed"),
      enabled: (editor) => editor.can().editEmbed(),
      command: (editor) => editor.commands.editEmbed(),
    })
  },

  addProseMirrorPlugins() {
    const editor = this.editor
    const hosts = this.options.hosts || []
    let pasteAsText = false
    return [
      new Plugin({
        key: new PluginKey("newsroomPastedEmbedAddress"),
        props: {
          handlePaste: (view, event) => {
            if (pasteAsText) return false
            const text = event.clipboardData?.getData("text/plain")?.trim() || ""
            if (!view.editable || !onEmptyLine(view.state) || !providerAddress(text, hosts)) return false
            event.preventDefault()
            editor.commands.editEmbed({
              address: text,
              // Not an embed after all: the address as any pasted text (a link, as writing.js makes it).
              onCancel: () => {
                editor.commands.focus()
                pasteAsText = true
                try {
                  view.pasteText(text)
                } finally {
                  pasteAsText = false
                }
              },
            })
            return true
          },
        },
      }),
    ]
  },

  addNodeView() {
    const names = this.options.names || {}
    return ({ node, editor, getPos }) => {
      const name = crel("strong", { className: "newsroom-embed-provider" })
      const text = crel("span", { className: "newsroom-embed-text" })
      const edit = crel("button", { type: "button", className: "newsroom-embed-edit", textContent: T.edit })
      const dom = crel("div", { className: "newsroom-embed", contentEditable: "false" }, [
        crel("p", {}, [name, " · ", text]),
        edit,
      ])
      const open = () => editor.commands.editEmbed({ pos: getPos() })
      edit.addEventListener("click", open)
      dom.addEventListener("dblclick", open)
      const draw = (current) => {
        dom.dataset.embed = current.attrs.provider
        dom.dataset.embedId = current.attrs.embedId
        name.textContent = names[current.attrs.provider] || `${T.name} (${current.attrs.provider})`
        text.textContent = current.attrs.text
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

/** The address of a stored embed on its provider's site (the link readers follow), to edit it. */
const linkOf = (recogniseUrl, { provider, embedId }) => {
  const url = new URL(recogniseUrl, window.location.href)
  url.searchParams.set("provider", provider)
  url.searchParams.set("id", embedId)
  return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then((response) => response.json())
    .then((answer) => answer.link || "")
    .catch(() => "")
}
