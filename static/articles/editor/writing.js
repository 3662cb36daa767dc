// How the journalists' editor behaves while writing, on top of django-prose-editor's own
// extensions (loaded through DJANGO_PROSE_EDITOR_EXTENSIONS; exports named like the
// package's own replace them for our editor only):
// - a figure is left like in a word processor: Enter in its caption, or ↓/→ at the caption's
//   end, go on in a paragraph after it; the block buttons used from a caption act there too;
//   a selected figure is deleted with Backspace/Delete; after inserting an image from the
//   picker, the cursor waits in the paragraph after the figure, not in its caption;
// - links are made on purpose: no link from bare text (« 2016.Il »), a pasted address only
//   when it has a scheme, and typing after a link does not extend it;
// - every button, tooltip and menu entry in French;
// - a block node such as a callout is left at its end with ↓ or → (``leaveAtEnd`` below), so
//   that the next paragraph never lands inside the box.
import {
  Extension,
  Figure as BaseFigure,
  Link as BaseLink,
  ListItem as BaseListItem,
  crel,
  pm,
} from "django-prose-editor/editor"

const { NodeSelection, Plugin, PluginKey, TextSelection } = pm.state

// Figures -----------------------------------------------------------------------------

/** The figure holding the selection (in its caption, or its image or itself selected), or null. */
export const figureAround = (state) => {
  const { selection } = state
  if (selection instanceof NodeSelection && selection.node.type.name === "figure") {
    return { pos: selection.from, node: selection.node }
  }
  const { $from } = selection
  for (let depth = $from.depth; depth > 0; depth--) {
    if ($from.node(depth).type.name === "figure") {
      return { pos: $from.before(depth), node: $from.node(depth) }
    }
  }
  // The image inside a figure selected: the selection's parent is the figure itself.
  if ($from.parent.type.name === "figure") {
    return { pos: $from.before(), node: $from.parent }
  }
  return null
}

const inCaption = (state) => state.selection.$from.parent.type.name === "caption"

/**
 * Put the cursor right after the node (a figure, a callout…) at ``nodePos``, at the start of
 * the block that follows when ``reuse`` allows it, else in a new paragraph:
 * "empty" an empty paragraph (Enter), "paragraph" any paragraph (after inserting an image
 * within a paragraph, the rest of it), "textblock" also a heading (↓ and → keys).
 */
const cursorAfterNode = (tr, nodePos, reuse) => {
  const node = tr.doc.nodeAt(nodePos)
  const after = nodePos + node.nodeSize
  const next = tr.doc.nodeAt(after)
  const isParagraph = next?.type.name === "paragraph"
  const reusable =
    next?.isTextblock &&
    (reuse === "textblock" ||
      (reuse === "paragraph" && isParagraph) ||
      (reuse === "empty" && isParagraph && next.content.size === 0))
  if (!reusable) {
    tr.insert(after, tr.doc.type.schema.nodes.paragraph.create())
  }
  return tr.setSelection(TextSelection.create(tr.doc, after + 1)).scrollIntoView()
}

// Leaving a block node at its end ---------------------------------------------------------

/**
 * The innermost ``nodeTypeName`` node holding an empty selection placed in its very last
 * text block (the last paragraph of a callout, the last cell's last line of a table…), as
 * ``{ pos }``; null elsewhere.
 */
const lastBlockOf = (state, nodeTypeName) => {
  const { $from, empty } = state.selection
  if (!empty || !$from.parent.isTextblock) return null
  for (let depth = $from.depth - 1; depth > 0; depth--) {
    if ($from.node(depth).type.name !== nodeTypeName) continue
    for (let level = depth; level < $from.depth; level++) {
      if ($from.index(level) !== $from.node(level).childCount - 1) return null
    }
    return { pos: $from.before(depth) }
  }
  return null
}

/**
 * Keyboard shortcuts that leave a ``nodeTypeName`` block at its end, as ↓ and → leave a
 * figure's caption: ↓ on the last line of its last text block, or → at its very end, put the
 * cursor in the text block after it, or in a new paragraph when nothing editable follows (a
 * callout ending the text: without this, the next paragraph could only be typed inside the box).
 *
 * For any block node of ours (callout, table, quotation with its source…), in its extension:
 *   addKeyboardShortcuts() { return { ...otherKeys, ...leaveAtEnd(this.name) } }
 * An extension in another module may also call the command this module adds to every editor,
 * ``editor.commands.leaveAtEnd(nodeTypeName, "down" | "right")``, without importing this file
 * (what callout.js does: in production the static files carry hashed names, and a relative
 * import would load a second copy of this module).
 */
export const leaveAtEnd = (nodeTypeName) => ({
  ArrowDown: ({ editor }) => editor.commands.leaveAtEnd(nodeTypeName, "down"),
  ArrowRight: ({ editor }) => editor.commands.leaveAtEnd(nodeTypeName, "right"),
})

const leaveAtEndCommand =
  (nodeTypeName, direction = "down") =>
  ({ state, tr, dispatch, view }) => {
    const node = lastBlockOf(state, nodeTypeName)
    if (!node) return false
    const { $from } = state.selection
    const atEnd =
      direction === "right" ? $from.parentOffset === $from.parent.content.size : view.endOfTextblock("down")
    if (!atEnd) return false
    if (dispatch) cursorAfterNode(tr, node.pos, "textblock")
    return true
  }

/**
 * After a block without text of its own was inserted (a gallery, an audio or video player: it ends
 * up selected), the cursor goes on after it, in the next paragraph or a new one, as in a word
 * processor: Enter or typing never acts on the block just inserted. Other modules call it as
 * ``editor.commands.goOnAfter(nodeTypeName)`` (see leaveAtEnd on why not by import).
 */
const goOnAfterCommand =
  (nodeTypeName) =>
  ({ state, tr, dispatch }) => {
    const { selection } = state
    if (!(selection instanceof NodeSelection) || selection.node.type.name !== nodeTypeName) return false
    if (dispatch) cursorAfterNode(tr, selection.from, "paragraph")
    return true
  }

const countFigures = (doc) => {
  let count = 0
  doc.descendants((node) => {
    if (node.type.name === "figure") count += 1
    return node.type.name !== "figure"
  })
  return count
}

const insertedFigureKey = new PluginKey("newsroomInsertedFigure")

export const Figure = BaseFigure.extend({
  addStorage() {
    return { awaitingInsert: false }
  },

  addCommands() {
    const parent = this.parent?.() || {}
    const storage = this.storage
    return {
      ...parent,
      editImage: () => (props) => {
        // Inserting (not editing): the dialog inserts later, once an image is chosen.
        if (props.dispatch && !figureAround(props.state)) storage.awaitingInsert = true
        return parent.editImage()(props)
      },
      insertFigure:
        () =>
        ({ commands }) =>
          commands.editImage(),
      leaveFigure:
        (reuse = "none") =>
        ({ state, tr, dispatch }) => {
          const figure = figureAround(state)
          if (!figure) return false
          if (dispatch) cursorAfterNode(tr, figure.pos, reuse)
          return true
        },
      deleteFigure:
        () =>
        ({ state, tr, dispatch }) => {
          const figure = figureAround(state)
          if (!figure) return false
          if (dispatch) tr.delete(figure.pos, figure.pos + figure.node.nodeSize)
          return true
        },
    }
  },

  addKeyboardShortcuts() {
    const selected = (editor) => {
      const { selection } = editor.state
      return selection instanceof NodeSelection && ["figure", "image"].includes(selection.node.type.name)
    }
    const atCaptionEnd = (editor) => {
      const { $from, empty } = editor.state.selection
      return inCaption(editor.state) && empty && $from.parentOffset === $from.parent.content.size
    }
    return {
      ...(this.parent?.() || {}),
      // A caption is one line: Enter goes on with the article, as in a word processor.
      Enter: ({ editor }) =>
        (inCaption(editor.state) || selected(editor)) && editor.commands.leaveFigure("empty"),
      // ↓ from the caption's last line, wherever the cursor is on it.
      ArrowDown: ({ editor }) =>
        ((inCaption(editor.state) && editor.view.endOfTextblock("down")) || selected(editor)) &&
        editor.commands.leaveFigure("textblock"),
      ArrowRight: ({ editor }) =>
        (atCaptionEnd(editor) || selected(editor)) && editor.commands.leaveFigure("textblock"),
      Backspace: ({ editor }) => selected(editor) && editor.commands.deleteFigure(),
      Delete: ({ editor }) => selected(editor) && editor.commands.deleteFigure(),
    }
  },

  addProseMirrorPlugins() {
    const storage = this.storage
    return [
      ...(this.parent?.() || []),
      new Plugin({
        key: insertedFigureKey,
        appendTransaction(transactions, oldState, newState) {
          if (!storage.awaitingInsert || !transactions.some((tr) => tr.docChanged)) return null
          storage.awaitingInsert = false
          if (countFigures(newState.doc) <= countFigures(oldState.doc)) return null
          // The new figure holds the cursor (in its caption) or ends right before it.
          let figure = figureAround(newState)
          const before = newState.selection.$from.nodeBefore
          if (!figure && before?.type.name === "figure") {
            figure = { pos: newState.selection.from - before.nodeSize, node: before }
          }
          return figure ? cursorAfterNode(newState.tr, figure.pos, "paragraph") : null
        },
      }),
    ]
  },
})

// Links -------------------------------------------------------------------------------

const HAS_SCHEME = /^(https?:\/\/|mailto:)/i

// The ids a body may hold, footnotes' calls and notes (articles/body.py, FOOTNOTE_ID): kept as written.
const keptId = {
  default: null,
  parseHTML: (element) => element.getAttribute("id"),
  renderHTML: (attributes) => (attributes.id ? { id: attributes.id } : {}),
}

/** A list item keeps its id: a footnote (« note-3 ») that its call in the text links to. */
export const ListItem = BaseListItem.extend({
  addAttributes() {
    return { ...this.parent?.(), id: keptId }
  },
})

export const Link = BaseLink.extend({
  addOptions() {
    return {
      ...this.parent?.(),
      // Never a link from typed text, and a pasted address only when written in full.
      autolink: false,
      linkOnPaste: true,
      shouldAutoLink: (url) => HAS_SCHEME.test(url),
    }
  },

  // Text typed at the end of a link is not part of it.
  inclusive() {
    return false
  },

  // A footnote's call keeps its id (« appel-3 »), which its note links back to (articles/body.py).
  addAttributes() {
    return { ...this.parent?.(), id: keptId }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "link",
      groups: "link",
      command(editor) {
        editor.chain().addLink().focus().run()
      },
      enabled(editor) {
        return !editor.state.selection.empty || editor.isActive("link")
      },
      button: buttons.material("insert_link", "Insérer un lien (sélectionnez d’abord le texte)"),
      active(editor) {
        return editor.isActive("link")
      },
    })
    menu.defineItem({
      name: "unlink",
      groups: "link",
      command(editor) {
        editor.chain().focus().unsetLink().run()
      },
      button: buttons.material("link_off", "Retirer le lien"),
      hidden(editor) {
        return !editor.isActive("link")
      },
    })
  },
})

// The toolbar in French, and block buttons that work from a caption ----------------------

/** Run a block command; from a figure's caption it applies to a new paragraph after the figure. */
export const blockCommand = (editor, apply) => {
  const chain = editor.chain().focus()
  if (figureAround(editor.state)) chain.leaveFigure("empty")
  apply(chain).run()
}

const canApplyBlock = (editor, check) => !!figureAround(editor.state) || check(editor.can())

const headingButton = (level, title) =>
  crel("button", {
    type: "button",
    className: "prose-menubar__button prose-menubar__button--heading material-icons",
    title,
    textContent: "title",
    "aria-label": title,
    "data-level": level,
  })

const HEADINGS = { 2: "Intertitre", 3: "Sous-intertitre" }

export const NewsroomWriting = Extension.create({
  name: "newsroomWriting",
  // After every other extension, so that its menu entries replace theirs.
  priority: 1,

  addCommands() {
    return { leaveAtEnd: leaveAtEndCommand, goOnAfter: goOnAfterCommand }
  },

  addMenuItems({ menu, buttons }) {
    const editor = this.editor
    const levels = editor.extensionManager.extensions.find((e) => e.name === "heading")?.options.levels || []
    for (const level of levels) {
      const title = HEADINGS[level] || `Titre de niveau ${level}`
      menu.defineItem({
        name: `heading${level}`,
        groups: "blockType nodes headings",
        button: headingButton(level, title),
        option: crel(`h${level}`, { textContent: title }),
        active: (editor) => editor.isActive("heading", { level }),
        command: (editor) => blockCommand(editor, (chain) => chain.toggleHeading({ level })),
      })
    }
    menu.defineItem({
      name: "paragraph",
      groups: "blockType nodes",
      button: buttons.material("notes", "Paragraphe"),
      option: crel("p", { textContent: "Paragraphe" }),
      active: (editor) => editor.isActive("paragraph"),
      command: (editor) => blockCommand(editor, (chain) => chain.setParagraph()),
    })
    const lists = [
      ["bulletList", "format_list_bulleted", "Liste à puces", "toggleBulletList"],
      ["orderedList", "format_list_numbered", "Liste numérotée", "toggleOrderedList"],
    ]
    for (const [name, icon, title, toggle] of lists) {
      if (!editor.schema.nodes[name]) continue
      menu.defineItem({
        name,
        groups: "blockType lists nodes",
        button: buttons.material(icon, title),
        option: crel("p", { textContent: title }),
        active: (editor) => editor.isActive(name),
        enabled: (editor) => canApplyBlock(editor, (can) => can[toggle]()),
        command: (editor) => blockCommand(editor, (chain) => chain[toggle]()),
      })
    }
    if (editor.schema.nodes.blockquote) {
      menu.defineItem({
        name: "blockquote",
        groups: "nodes",
        button: buttons.material("format_quote", "Citation"),
        option: crel("p", { textContent: "Citation" }),
        active: (editor) => editor.isActive("blockquote"),
        enabled: (editor) => canApplyBlock(editor, (can) => can.toggleBlockquote()),
        command: (editor) => blockCommand(editor, (chain) => chain.toggleBlockquote()),
      })
    }
    if (editor.schema.nodes.figure) {
      menu.defineItem({
        name: "figure",
        groups: "nodes",
        button: buttons.material("image", "Insérer une image de la photothèque"),
        option: crel("p", { textContent: "Image" }),
        active: (editor) => editor.isActive("figure"),
        enabled: (editor) => editor.can().insertFigure(),
        command: (editor) => editor.chain().focus().insertFigure().run(),
      })
    }
    const marks = [
      ["bold", "format_bold", "Gras"],
      ["italic", "format_italic", "Italique"],
    ]
    for (const [name, icon, title] of marks) {
      if (!(name in editor.schema.marks)) continue
      menu.defineItem({
        name,
        groups: "marks",
        button: buttons.material(icon, title),
        active: (editor) => editor.isActive(name),
        enabled: (editor) => editor.can().toggleMark(name),
        command: (editor) => editor.chain().focus().toggleMark(name).run(),
      })
    }
    if (editor.extensionManager.extensions.find((e) => e.name === "history")) {
      menu.defineItem({
        name: "history:undo",
        groups: "history",
        button: buttons.material("undo", "Annuler"),
        enabled: (editor) => editor.can().undo(),
        command: (editor) => editor.commands.undo(),
      })
      menu.defineItem({
        name: "history:redo",
        groups: "history",
        button: buttons.material("redo", "Rétablir"),
        enabled: (editor) => editor.can().redo(),
        command: (editor) => editor.commands.redo(),
      })
    }
  },

  addProseMirrorPlugins() {
    // The editable area is named like its field (« Texte »): the label of the textarea it replaces
    // does not reach it, and screen readers would announce an anonymous text box.
    const textarea = () => {
      try {
        return this.editor.view.dom.parentElement?.querySelector("textarea")
      } catch {
        return null // the view is being created: named on its first update
      }
    }
    return [
      new Plugin({
        key: new PluginKey("newsroomAccessibleName"),
        props: {
          attributes: () => {
            const label = textarea()?.labels?.[0]?.textContent.replace(/[\s:*]+$/, "").trim() || "Texte"
            return { role: "textbox", "aria-multiline": "true", "aria-label": label }
          },
        },
      }),
    ]
  },

  onCreate() {
    // The block-type dropdown shows a « ? » icon when the cursor is in no paragraph or
    // heading (a list, a caption); the package leaves it unlabelled.
    const label = () => {
      const menubar = this.editor.view.dom.parentElement?.querySelector(".prose-menubar")
      if (!menubar) return
      for (const button of menubar.querySelectorAll(".prose-menubar__selected button:not([title])")) {
        button.title = "Type de bloc"
        button.setAttribute("aria-label", "Type de bloc")
      }
      for (const selector of menubar.querySelectorAll(".prose-menubar__selected")) {
        selector.setAttribute("title", "Type de bloc : paragraphe ou intertitre")
      }
    }
    this.editor.on("transaction", label)
    label()
  },
})
