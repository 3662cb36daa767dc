// Quotations for the journalists' editor: the package's Blockquote with what articles/body.py
// stores and readers get,
// - its source, who said it: <blockquote data-source="Jean Dupont, maire de Metz">, given through
//   a dialog (« Source de la citation ») and shown under the quote while writing; readers get it
//   as the caption of the quotation;
// - the pull quote (« Exergue »), a strong sentence set apart: <blockquote data-pullquote="">,
//   switched on and off from the toolbar and shown larger while writing.
// ↓ or → at the end of a quotation go on in a paragraph after it (writing.js's ``leaveAtEnd``).
import { Blockquote as BaseBlockquote, findParentNode, updateAttrsDialog } from "django-prose-editor/editor"

const icon = (shapes) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="20" height="20" fill="none" ` +
  `stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true" focusable="false">${shapes}</svg>`

// Two quotation marks; with a line under them for the source, between rules for the pull quote.
const MARKS = '<path d="M5 12h4v4H5zM5 12c0-2.5 1-4 3.5-4.5M14 12h4v4h-4zM14 12c0-2.5 1-4 3.5-4.5"/>'
const ICONS = {
  source: icon(`${MARKS}<path d="M7 20.5h13" stroke-width="1.5"/><path d="M4 20.5h1"/>`),
  pullquote: icon(`${MARKS}<path d="M3 3.5h18M3 20.5h18" stroke-width="1.5"/>`),
}

const sourceDialog = updateAttrsDialog(
  {
    source: {
      type: "string",
      title: "Qui parle\u202f?",
      description: " par exemple «\u202fJean Dupont, maire de Metz\u202f» (laisser vide\u202f: pas de source)",
    },
  },
  { title: "Source de la citation", submitText: "Valider" },
)

/** The innermost quotation holding the selection, as ``{ node, pos }``, or undefined. */
const quoteAround = (state) => findParentNode((node) => node.type.name === "blockquote")(state.selection)

const setQuoteAttributes = (attributes) => ({ tr, state }) => {
  const quote = quoteAround(state)
  if (!quote) return false
  tr.setNodeMarkup(quote.pos, undefined, { ...quote.node.attrs, ...attributes })
  return true
}

export const Blockquote = BaseBlockquote.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      source: {
        default: "",
        parseHTML: (element) => (element.getAttribute("data-source") || "").replace(/\s+/g, " ").trim(),
        renderHTML: (attributes) => (attributes.source ? { "data-source": attributes.source } : {}),
      },
      pullquote: {
        default: false,
        parseHTML: (element) => element.hasAttribute("data-pullquote"),
        renderHTML: (attributes) => (attributes.pullquote ? { "data-pullquote": "" } : {}),
      },
    }
  },

  addCommands() {
    return {
      ...this.parent?.(),
      editQuoteSource:
        () =>
        ({ editor, state }) => {
          const quote = quoteAround(state)
          if (!quote) return false
          sourceDialog(editor, { source: quote.node.attrs.source }).then((result) => {
            if (!result) return
            const source = (result.source || "").replace(/\s+/g, " ").trim()
            editor.chain().focus().command(setQuoteAttributes({ source })).run()
          })
          return true
        },
      // A quotation becomes a pull quote and back; outside one, the paragraph becomes a pull quote.
      togglePullquote:
        () =>
        ({ state, commands }) => {
          const quote = quoteAround(state)
          if (!quote) {
            if (commands.leaveFigure) commands.leaveFigure("empty")
            return commands.wrapIn(this.name, { pullquote: true })
          }
          if (quote.node.attrs.pullquote) return commands.lift(this.name)
          // The article's own words set apart: no source (readers would not see it anyway).
          return commands.command(setQuoteAttributes({ pullquote: true, source: "" }))
        },
    }
  },

  addKeyboardShortcuts() {
    return {
      ...this.parent?.(),
      ArrowDown: ({ editor }) => !!editor.commands.leaveAtEnd?.(this.name, "down"),
      ArrowRight: ({ editor }) => !!editor.commands.leaveAtEnd?.(this.name, "right"),
    }
  },

  addMenuItems({ menu, buttons }) {
    const quote = (editor) => quoteAround(editor.state)?.node
    menu.defineItem({
      name: "pullquote",
      groups: "nodes",
      button: buttons.svg(ICONS.pullquote, "Exergue\u202f: mettre une phrase en avant (activer ou désactiver)"),
      option: null,
      active: (editor) => !!quote(editor)?.attrs.pullquote,
      command: (editor) => editor.chain().focus().togglePullquote().run(),
    })
    menu.defineItem({
      name: "quoteSource",
      groups: "nodes",
      button: buttons.svg(ICONS.source, "Source de la citation"),
      option: null,
      // A pull quote repeats the article's own text: it has no source of its own.
      hidden: (editor) => !quote(editor) || !!quote(editor).attrs.pullquote,
      active: (editor) => !!quote(editor)?.attrs.source,
      command: (editor) => editor.chain().focus().editQuoteSource().run(),
    })
  },
})
