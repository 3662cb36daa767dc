// Tables for the journalists' editor (election results, league tables): the package's Table,
// configured for what articles/body.py stores and readers get:
//   <table><caption>Résultats du 1er tour</caption><tbody><tr><th><p>Liste</p></th>…</tr>…</tbody></table>
// - a caption (« Légende du tableau »), edited through a dialog: in ProseMirror the content hole
//   must be the only child of its parent, so the caption is an attribute of the table node, drawn
//   before the rows and never editable in place;
// - a header row and a header column switched on and off (the server adds each header's scope);
// - rows and columns added and deleted, the whole table deleted; no merged cells (the server keeps
//   no colspan or rowspan, so the editor offers neither merging nor splitting);
// - a click on the caption opens its dialog;
// - ↓ or → at the table's end go on in a paragraph after it (writing.js's ``leaveAtEnd``);
// - every label in French, every icon an inline SVG (no icon font).
import {
  Table as BaseTable,
  TableCell as BaseTableCell,
  TableHeader as BaseTableHeader,
  TableRow as BaseTableRow,
  findParentNode,
  mergeAttributes,
  pm,
  updateAttrsDialog,
} from "django-prose-editor/editor"

const { Plugin, PluginKey, Selection } = pm.state

// Exported under the package's names, so that our editor takes them instead (see docs/article-body.md).
export const TableRow = BaseTableRow
export const TableCell = BaseTableCell
export const TableHeader = BaseTableHeader

const NEW_TABLE = { rows: 3, cols: 3, withHeaderRow: true }

const icon = (shapes) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="20" height="20" fill="none" ` +
  `stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true" focusable="false">${shapes}</svg>`

const GRID = '<rect x="3" y="4" width="18" height="16" rx="1"/><path d="M3 9.5h18M3 14.5h18M9 4v16M15 4v16"/>'
const ICONS = {
  table: icon(GRID),
  caption: icon('<path d="M6 3.5h12"/><rect x="3" y="8" width="18" height="13" rx="1"/><path d="M3 14.5h18M12 8v13"/>'),
  headerRow: icon(
    '<rect x="3" y="4" width="18" height="16" rx="1"/><path d="M3 4h18v5.5H3z" fill="currentColor"/><path d="M3 14.5h18M12 9.5V20"/>',
  ),
  headerColumn: icon(
    '<rect x="3" y="4" width="18" height="16" rx="1"/><path d="M3 4h6v16H3z" fill="currentColor"/><path d="M9 12h12M15 4v16"/>',
  ),
  addRow: icon('<rect x="3" y="3" width="18" height="10" rx="1"/><path d="M3 8h18M12 15.5v6M9 18.5h6"/>'),
  deleteRow: icon('<rect x="3" y="3" width="18" height="10" rx="1"/><path d="M3 8h18M9 18.5h6"/>'),
  addColumn: icon('<rect x="3" y="3" width="10" height="18" rx="1"/><path d="M8 3v18M15.5 12h6M18.5 9v6"/>'),
  deleteColumn: icon('<rect x="3" y="3" width="10" height="18" rx="1"/><path d="M8 3v18M15.5 12h6"/>'),
  deleteTable: icon(
    '<rect x="3" y="3" width="13" height="13" rx="1"/><path d="M3 9.5h13M9.5 3v13M15 15l6 6M21 15l-6 6"/>',
  ),
}

const captionDialog = updateAttrsDialog(
  {
    caption: {
      type: "string",
      title: "Légende",
      description: " ce qu’il montre, par exemple «\u202fRésultats du 1er tour\u202f» (laisser vide\u202f: pas de légende)",
    },
  },
  { title: "Légende du tableau", submitText: "Valider" },
)

/** The table holding the selection, as ``{ node, pos, depth }``, or undefined. */
const tableAround = (state) => findParentNode((node) => node.type.name === "table")(state.selection)

const isHeader = (cell) => cell.type.name === "tableHeader"

const hasHeaderRow = (table) => table.childCount > 0 && table.firstChild.childCount > 0 && allChildren(table.firstChild, isHeader)

const hasHeaderColumn = (table) => allChildren(table, (row) => row.childCount > 0 && isHeader(row.firstChild))

const allChildren = (node, test) => {
  let all = true
  node.forEach((child) => {
    all = all && test(child)
  })
  return all
}

/**
 * ↓ from any cell of a table's last row, on its last line, leaves the table as from its last cell
 * (the package's own arrow handling finds nowhere to go when the table ends the text).
 */
const leaveFromLastRow = (editor) => {
  const { state, view } = editor
  const table = tableAround(state)
  const { $from, empty } = state.selection
  if (!table || !empty || !editor.commands.leaveAtEnd) return false
  if ($from.index(table.depth) !== table.node.childCount - 1 || !view.endOfTextblock("down")) return false
  // The last cell's last text position: just before the closing tokens of that cell, its row, the table.
  const lastCellEnd = table.pos + table.node.nodeSize - 3
  const toLastCell = ({ tr }) => {
    tr.setSelection(Selection.near(tr.doc.resolve(lastCellEnd), -1))
    return true
  }
  // leaveAtEnd reads the view's line (still the last row's): the same answer from the last cell.
  if (!editor.can().chain().command(toLastCell).leaveAtEnd("table", "down").run()) return false
  return editor.chain().command(toLastCell).leaveAtEnd("table", "down").run()
}

export const Table = BaseTable.extend({
  // The plain DOM of renderHTML in the editor too (no column-resizing view): it shows the caption.
  addNodeView: null,

  addAttributes() {
    return {
      ...this.parent?.(),
      caption: {
        default: "",
        // Written as the <caption> element by renderHTML, never as an attribute.
        rendered: false,
        parseHTML: (element) => element.querySelector(":scope > caption")?.textContent.replace(/\s+/g, " ").trim() || "",
      },
    }
  },

  parseHTML() {
    return [
      { tag: "table" },
      // The caption is read into the table's attribute above; its text is no row of the table.
      { tag: "caption", ignore: true },
    ]
  },

  renderHTML({ node, HTMLAttributes }) {
    const attributes = mergeAttributes(this.options.HTMLAttributes, HTMLAttributes)
    if (!node.attrs.caption) return ["table", attributes, ["tbody", 0]]
    // contenteditable only matters in the editor; the server keeps no attribute on <caption>.
    return ["table", attributes, ["caption", { contenteditable: "false" }, node.attrs.caption], ["tbody", 0]]
  },

  addCommands() {
    return {
      ...this.parent?.(),
      insertNewsroomTable:
        () =>
        ({ commands }) => {
          // From a figure's caption, the table goes after the figure (writing.js).
          if (commands.leaveFigure) commands.leaveFigure("empty")
          return commands.insertTable(NEW_TABLE)
        },
      editTableCaption:
        () =>
        ({ editor, state }) => {
          const table = tableAround(state)
          if (!table) return false
          captionDialog(editor, { caption: table.node.attrs.caption }).then((result) => {
            if (!result) return
            const caption = (result.caption || "").replace(/\s+/g, " ").trim()
            editor
              .chain()
              .focus()
              .command(({ tr, state }) => {
                const current = tableAround(state)
                if (!current) return false
                tr.setNodeMarkup(current.pos, undefined, { ...current.node.attrs, caption })
                return true
              })
              .run()
          })
          return true
        },
    }
  },

  addProseMirrorPlugins() {
    const editor = this.editor
    return [
      ...(this.parent?.() || []),
      new Plugin({
        key: new PluginKey("newsroomTableCaption"),
        props: {
          handleDOMEvents: {
            // The caption is not editable in place: a click on it opens its dialog, for its table.
            mousedown: (view, event) => {
              const caption = event.target.closest?.("caption")
              const firstCell = caption && view.dom.contains(caption) && caption.parentElement.querySelector("td, th")
              if (!firstCell) return false
              event.preventDefault()
              const inTable = view.posAtDOM(firstCell, 0)
              editor
                .chain()
                .focus()
                .command(({ tr }) => {
                  tr.setSelection(Selection.near(tr.doc.resolve(inTable)))
                  return true
                })
                .editTableCaption()
                .run()
              return true
            },
          },
        },
      }),
    ]
  },

  addKeyboardShortcuts() {
    return {
      ...this.parent?.(),
      ArrowDown: ({ editor }) => !!editor.commands.leaveAtEnd?.("table", "down") || leaveFromLastRow(editor),
      ArrowRight: ({ editor }) => !!editor.commands.leaveAtEnd?.("table", "right"),
    }
  },

  addMenuItems({ menu, buttons }) {
    const inTable = (editor) => editor.isActive("table")
    menu.defineItem({
      name: "table",
      groups: "nodes",
      button: buttons.svg(ICONS.table, "Insérer un tableau"),
      option: null,
      // No table in a table: the server would have to guess whose row a cell is.
      enabled: (editor) => !inTable(editor),
      command: (editor) => editor.chain().focus().insertNewsroomTable().run(),
    })
    const tableItem = (name, icon, title, command, active = () => false) =>
      menu.defineItem({
        name: `table:${name}`,
        groups: "table",
        button: buttons.svg(icon, title),
        hidden: (editor) => !inTable(editor),
        active: (editor) => {
          const table = inTable(editor) && tableAround(editor.state)
          return !!table && active(table.node)
        },
        command: (editor) => command(editor.chain().focus()).run(),
      })
    tableItem("caption", ICONS.caption, "Légende du tableau", (chain) => chain.editTableCaption(), (table) => !!table.attrs.caption)
    tableItem("headerRow", ICONS.headerRow, "Ligne d’en-tête (activer ou désactiver)", (chain) => chain.toggleHeaderRow(), hasHeaderRow)
    tableItem(
      "headerColumn",
      ICONS.headerColumn,
      "Colonne d’en-tête (activer ou désactiver)",
      (chain) => chain.toggleHeaderColumn(),
      hasHeaderColumn,
    )
    tableItem("addRowAfter", ICONS.addRow, "Ajouter une ligne en dessous", (chain) => chain.addRowAfter())
    tableItem("deleteRow", ICONS.deleteRow, "Supprimer la ligne", (chain) => chain.deleteRow())
    tableItem("addColumnAfter", ICONS.addColumn, "Ajouter une colonne à droite", (chain) => chain.addColumnAfter())
    tableItem("deleteColumn", ICONS.deleteColumn, "Supprimer la colonne", (chain) => chain.deleteColumn())
    tableItem("deleteTable", ICONS.deleteTable, "Supprimer le tableau", (chain) => chain.deleteTable())
  },
})
