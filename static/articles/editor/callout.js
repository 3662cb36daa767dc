// Callout notes (« encadrés ») for the journalists' editor: a boxed aside with an
// optional title and a background colour from the site's palette or a hex code.
// Stored as <aside data-callout data-color="…" data-title="…">…</aside>; the server
// checks the colour and renders it for readers with a contrasting text colour.
import {
  Node,
  mergeAttributes,
  updateAttrsDialog,
} from "django-prose-editor/editor"

const HEX = /^#(?:[0-9a-f]{3}){1,2}$/i

// Black or white text, whichever contrasts more with the background: the rule the server
// applies for readers (articles/body.py, ``text_colour_for``), so that the note and its links read
// the same while writing, whatever the admin's own colours (its links' blue on yellow: 3.2:1).
const luminance = (hex) => {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d) : hex.slice(1).match(/../g)
  const [r, g, b] = digits.map((pair) => {
    const channel = parseInt(pair, 16) / 255
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}
const textColour = (background) => {
  const light = luminance(background)
  // Contrast with black (luminance 0) against contrast with white (luminance 1).
  return (light + 0.05) / 0.05 >= 1.05 / (light + 0.05) ? "#000000" : "#ffffff"
}

const colourDialog = (editor, attrs, palette) => {
  const names = Object.keys(palette)
  const isPaletteName = names.includes(attrs.color)
  return updateAttrsDialog(
    {
      title: { type: "string", title: "Titre (facultatif)" },
      color: { type: "string", title: "Couleur de la palette", enum: names },
      customColor: {
        type: "string",
        title: "Ou un code couleur (facultatif)",
        description: " par exemple #ffcc00",
      },
    },
    { title: "Encadré", submitText: "Valider" },
  )(editor, {
    title: attrs.title || "",
    color: isPaletteName ? attrs.color : names[0],
    customColor: isPaletteName ? "" : attrs.color || "",
  })
}

export const Callout = Node.create({
  name: "callout",
  group: "block",
  content: "block+",
  defining: true,

  addOptions() {
    return { palette: { jaune: "#ffcc00" } }
  },

  addAttributes() {
    return {
      color: {
        default: "jaune",
        parseHTML: (element) => element.getAttribute("data-color") || "jaune",
        renderHTML: (attributes) => ({ "data-color": attributes.color }),
      },
      title: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-title") || "",
        renderHTML: (attributes) =>
          attributes.title ? { "data-title": attributes.title } : {},
      },
    }
  },

  parseHTML() {
    return [{ tag: "aside[data-callout]" }]
  },

  renderHTML({ node, HTMLAttributes }) {
    const background = this.options.palette[node.attrs.color] || node.attrs.color
    return [
      "aside",
      mergeAttributes(
        {
          "data-callout": "",
          class: "newsroom-callout",
          // Only for the editor's own display; the server renders the real colours.
          style: HEX.test(background) ? `background: ${background}; color: ${textColour(background)}` : "",
        },
        HTMLAttributes,
      ),
      0,
    ]
  },

  addCommands() {
    return {
      editCallout:
        () =>
        ({ editor }) => {
          const active = editor.isActive(this.name)
          const attrs = active ? editor.getAttributes(this.name) : {}
          colourDialog(editor, attrs, this.options.palette).then((result) => {
            if (!result) return
            const custom = (result.customColor || "").trim()
            const values = { color: custom || result.color, title: (result.title || "").trim() }
            const chain = editor.chain().focus()
            if (active) chain.updateAttributes(this.name, values).run()
            else chain.wrapIn(this.name, values).run()
          })
          return true
        },
      removeCallout:
        () =>
        ({ commands }) =>
          commands.lift(this.name),
    }
  },

  addKeyboardShortcuts() {
    return {
      // Enter on an empty last line of a note leaves it, as in a word processor's list.
      Enter: ({ editor }) => {
        const { $from, empty } = editor.state.selection
        if (!empty || $from.depth < 2) return false
        const wrapper = $from.node($from.depth - 1)
        const isLastEmptyLine =
          wrapper.type.name === this.name &&
          $from.parent.type.name === "paragraph" &&
          $from.parent.content.size === 0 &&
          $from.index($from.depth - 1) === wrapper.childCount - 1 &&
          wrapper.childCount > 1
        return isLastEmptyLine && editor.commands.lift(this.name)
      },
      // ↓ on its last line, or → at its very end, go on after the note (writing.js, leaveAtEnd).
      ArrowDown: ({ editor }) => !!editor.commands.leaveAtEnd?.(this.name, "down"),
      ArrowRight: ({ editor }) => !!editor.commands.leaveAtEnd?.(this.name, "right"),
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "callout",
      groups: "nodes",
      command(editor) {
        // From a figure's caption, the note goes after the figure (writing.js).
        if (!editor.isActive("callout") && editor.commands.leaveFigure) editor.commands.leaveFigure("empty")
        editor.commands.editCallout()
      },
      button: buttons.text("Encadré", "Insérer ou modifier un encadré"),
      active(editor) {
        return editor.isActive("callout")
      },
    })
    menu.defineItem({
      name: "calloutRemove",
      groups: "nodes",
      command(editor) {
        editor.commands.removeCallout()
      },
      button: buttons.text("Retirer l’encadré", "Retirer l’encadré, garder le texte"),
      hidden(editor) {
        return !editor.isActive("callout")
      },
    })
  },
})
