// The link dialog and pasted addresses of the site, on top of writing.js's Link (whose
// « addLink » command and menu entry this extension replaces: it comes after it).
// - The dialog searches the site by title as one types (articles, dossiers, sections, places,
//   people, documents: articles/admin_links.py), grouped by kind, with the keyboard (↑ ↓ Entrée,
//   Échap) and a screen reader (the ARIA combobox and listbox pattern); choosing a result inserts
//   the link, with the title as its text when no text was selected.
// - An article readers cannot see (a draft, a preview address) is refused with a message: the link
//   would lead them nowhere. The server refuses nothing for it on save (articles/body.py makes it
//   plain text then); this says so while the journalist can still choose another.
// - A bare address of an article of the site pasted into the text becomes a link whose text is the
//   article's title, not the address.
import { Extension, crel, pm } from "django-prose-editor/editor"

const { Plugin, PluginKey } = pm.state

const NOT_PUBLISHED = "Cet article n’est pas publié : les lecteurs ne pourraient pas suivre ce lien."
const SEARCH_DELAY = 200
// An address of an article or of its staff preview, on any host (the server says whether it is ours).
const ARTICLE_ADDRESS = /^(https?:\/\/[^\s/]+)?\/(article|apercu)\/[^\s]+$/i

let dialogCount = 0

const ask = async (url, params) => {
  const response = await fetch(`${url}?${new URLSearchParams(params)}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  if (!response.ok) throw new Error(`${response.status}`)
  return response.json()
}

/** What the server knows of an address: {found, title, href, published, message} or {found: false}. */
const resolveAddress = (url, address) => ask(url, { address }).catch(() => ({ found: false }))

/** The dialog: resolves to {href, title, text} to insert (text: the link's text when none is selected), or null. */
const linkDialog = (editor, { searchUrl, attrs, isNew }) =>
  new Promise((resolve) => {
    const id = `newsroom-link-${++dialogCount}`
    const heading = crel("h3", {
      id: `${id}-heading`,
      className: "prose-editor-dialog-title",
      textContent: isNew ? "Insérer un lien" : "Modifier le lien",
    })
    const search = crel("input", {
      id: `${id}-search`,
      type: "text",
      autocomplete: "off",
      spellcheck: false,
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": `${id}-results`,
      "aria-describedby": `${id}-status`,
    })
    const listbox = crel("div", {
      id: `${id}-results`,
      className: "newsroom-link-results",
      role: "listbox",
      "aria-label": "Contenus du site trouvés",
    })
    listbox.hidden = true
    const status = crel("p", { id: `${id}-status`, className: "newsroom-link-status", role: "status" })
    const href = crel("input", { id: `${id}-href`, name: "href", type: "text", size: 50, value: attrs.href || "" })
    const title = crel("input", { id: `${id}-title`, name: "title", type: "text", size: 50, value: attrs.title || "" })
    const error = crel("p", { className: "errornote newsroom-link-error", role: "alert" })
    error.hidden = true
    const submit = crel("button", { type: "submit", textContent: isNew ? "Insérer" : "Mettre à jour" })
    const cancel = crel("button", { type: "button", value: "cancel", textContent: "Annuler" })
    const field = (label, input, ...more) =>
      crel("div", { className: "prose-editor-dialog-field" }, [
        crel("label", { htmlFor: input.id, textContent: label }),
        input,
        ...more,
      ])
    const form = crel("form", { method: "dialog" }, [
      heading,
      field("Chercher sur le site (articles, dossiers, rubriques, lieux, personnalités, documents)", search, listbox, status),
      field("Ou adresse (https://… ou adresse d’un article du site)", href),
      field("Infobulle (facultatif)", title),
      error,
      crel("div", { className: "prose-editor-dialog-buttons" }, [submit, cancel]),
    ])
    const dialog = crel("dialog", { className: "prose-editor-dialog newsroom-link-dialog", "aria-labelledby": heading.id }, [
      form,
    ])
    const wrapper = crel("div", {}, [dialog])
    editor.view.dom.parentElement.append(wrapper)

    let options = [] // [{element, result}]
    let active = -1
    let chosenTitle = "" // the title of the result chosen, as the link's text
    let finished = false

    const finish = (value) => {
      if (finished) return
      finished = true
      if (dialog.open) dialog.close()
      wrapper.remove()
      resolve(value)
    }
    const showError = (message) => {
      error.textContent = message
      error.hidden = !message
    }
    const setActive = (index) => {
      options.forEach(({ element }, i) => element.setAttribute("aria-selected", String(i === index)))
      active = index
      if (index >= 0) {
        search.setAttribute("aria-activedescendant", options[index].element.id)
        options[index].element.scrollIntoView({ block: "nearest" })
      } else {
        search.removeAttribute("aria-activedescendant")
      }
    }
    const closeList = () => {
      listbox.hidden = true
      search.setAttribute("aria-expanded", "false")
      setActive(-1)
    }
    const choose = (result) => {
      if (!result.published) {
        showError(result.message || NOT_PUBLISHED)
        return
      }
      href.value = result.href
      chosenTitle = result.title
      finish({ href: result.href, title: title.value || null, text: result.title })
    }
    const show = (groups, query) => {
      listbox.replaceChildren()
      options = []
      let count = 0
      for (const group of groups) {
        const groupId = `${id}-group-${group.kind}`
        const element = crel("div", { role: "group", "aria-labelledby": groupId, className: "newsroom-link-group" }, [
          crel("div", { id: groupId, role: "presentation", className: "newsroom-link-group-label", textContent: group.label }),
        ])
        for (const result of group.results) {
          const option = crel("div", {
            id: `${id}-option-${count++}`,
            role: "option",
            className: "newsroom-link-option",
            "aria-selected": "false",
          })
          option.append(crel("span", { textContent: result.title }))
          if (result.note) option.append(crel("span", { className: "newsroom-link-note", textContent: ` — ${result.note}` }))
          if (!result.published) option.setAttribute("aria-disabled", "true")
          // mousedown, not click: the search field keeps the focus (and the list stays open).
          option.addEventListener("mousedown", (event) => {
            event.preventDefault()
            choose(result)
          })
          options.push({ element: option, result })
          element.append(option)
        }
        listbox.append(element)
      }
      listbox.hidden = count === 0
      search.setAttribute("aria-expanded", String(count > 0))
      setActive(-1)
      status.textContent = count
        ? `${count} ${count > 1 ? "résultats" : "résultat"} : ↑ et ↓ pour choisir, Entrée pour insérer.`
        : `Rien trouvé pour « ${query} ».`
    }

    let timer = null
    let asked = 0
    search.addEventListener("input", () => {
      showError("")
      window.clearTimeout(timer)
      const query = search.value.trim()
      if (!query) {
        closeList()
        status.textContent = ""
        return
      }
      timer = window.setTimeout(async () => {
        const number = ++asked
        try {
          const answer = await ask(searchUrl, { q: query })
          if (number === asked) show(answer.groups || [], query) // a slower earlier answer never wins
        } catch {
          if (number === asked) status.textContent = "La recherche ne répond pas : collez l’adresse ci-dessous."
        }
      }, SEARCH_DELAY)
    })
    search.addEventListener("keydown", (event) => {
      const open = !listbox.hidden && options.length > 0
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) return
        event.preventDefault()
        const step = event.key === "ArrowDown" ? 1 : -1
        setActive((active + step + options.length) % options.length)
      } else if (event.key === "Enter") {
        event.preventDefault() // never the form's submit from the search field
        if (open && active >= 0) choose(options[active].result)
      } else if (event.key === "Escape" && open) {
        event.preventDefault() // closes the list, not the dialog
        event.stopPropagation()
        closeList()
      }
    })
    search.addEventListener("blur", () => window.setTimeout(closeList, 150))

    cancel.addEventListener("click", () => finish(null))
    dialog.addEventListener("close", () => finish(null))
    form.addEventListener("submit", async (event) => {
      event.preventDefault()
      const typed = href.value.trim()
      if (!typed) {
        showError("Choisissez un résultat de la recherche ou indiquez une adresse.")
        search.focus()
        return
      }
      let text = chosenTitle
      let target = typed
      if (ARTICLE_ADDRESS.test(typed) || typed.startsWith("/")) {
        const known = await resolveAddress(searchUrl, typed)
        if (known.found && !known.published) {
          showError(known.message || NOT_PUBLISHED)
          href.focus()
          return
        }
        if (known.found) {
          target = known.href
          text = known.title
        }
      }
      finish({ href: target, title: title.value.trim() || null, text: text || typed })
    })

    dialog.showModal()
    search.focus()
  })

/** The alert next to the editor that says why a pasted address was not made a link. */
const noticeFor = (editor) => {
  const container = editor.view.dom.parentElement
  let notice = container.parentElement.querySelector(":scope > .newsroom-link-notice")
  if (!notice) {
    notice = crel("p", { className: "newsroom-link-notice errornote", role: "alert" })
    notice.hidden = true
    container.after(notice)
  }
  return notice
}

const tell = (editor, message) => {
  const notice = noticeFor(editor)
  notice.textContent = message
  notice.hidden = !message
}

/** Follow a range of the document through the transactions that come before an answer. */
const trackRange = (editor, from, to) => {
  const range = { from, to }
  const follow = ({ transaction }) => {
    range.from = transaction.mapping.map(range.from, -1)
    range.to = transaction.mapping.map(range.to, 1)
  }
  editor.on("transaction", follow)
  range.stop = () => editor.off("transaction", follow)
  return range
}

const pastedArticleAddress = (editor, searchUrl, address) => {
  const { state } = editor
  const { from, to, empty } = state.selection
  const linkType = state.schema.marks.link
  tell(editor, "")
  // At once, as the package would (nothing waits for the server); the text is replaced once it answers.
  let tr = state.tr
  if (empty) tr = tr.insert(from, state.schema.text(address, [linkType.create({ href: address })]))
  else tr = tr.addMark(from, to, linkType.create({ href: address }))
  editor.view.dispatch(tr.scrollIntoView())
  const range = trackRange(editor, from, empty ? from + address.length : to)

  resolveAddress(searchUrl, address).then((known) => {
    range.stop()
    if (!known.found || range.from >= range.to) return
    const now = editor.state
    const stillTheAddress = empty && now.doc.textBetween(range.from, range.to) === address
    let change = now.tr
    if (!known.published) {
      if (stillTheAddress) change = change.delete(range.from, range.to)
      else change = change.removeMark(range.from, range.to, linkType)
      tell(editor, `${known.message || NOT_PUBLISHED} (${address})`)
    } else if (stillTheAddress) {
      change = change.replaceWith(range.from, range.to, now.schema.text(known.title, [linkType.create({ href: known.href })]))
    } else {
      change = change.removeMark(range.from, range.to, linkType).addMark(range.from, range.to, linkType.create({ href: known.href }))
    }
    editor.view.dispatch(change)
  })
}

export const NewsroomLinks = Extension.create({
  name: "newsroomLinks",
  // After the Link extension (priority 100): its « addLink » and menu entry are replaced by these.
  priority: 1,

  addOptions() {
    return { searchUrl: "" }
  },

  addCommands() {
    const options = this.options
    return {
      addLink:
        () =>
        ({ editor }) => {
          const isNew = !editor.isActive("link")
          const attrs = isNew ? {} : editor.getAttributes("link")
          linkDialog(editor, { searchUrl: options.searchUrl, attrs, isNew }).then((chosen) => {
            const chain = editor.chain().focus()
            if (!chosen) {
              chain.run()
              return
            }
            const mark = { href: chosen.href, title: chosen.title }
            if (!isNew) chain.extendMarkRange("link").updateAttributes("link", mark).run()
            else if (!editor.state.selection.empty) chain.setMark("link", mark).run()
            else chain.insertContent({ type: "text", text: chosen.text, marks: [{ type: "link", attrs: mark }] }).run()
          })
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "link",
      groups: "link",
      command(editor) {
        editor.commands.addLink()
      },
      // Also without a selection: a result's title becomes the link's text.
      enabled: (editor) => editor.isEditable,
      button: buttons.material("insert_link", "Insérer un lien (chercher un article, un dossier…)"),
      active: (editor) => editor.isActive("link"),
    })
  },

  addProseMirrorPlugins() {
    const editor = this.editor
    const { searchUrl } = this.options
    return [
      new Plugin({
        key: new PluginKey("newsroomPastedArticleAddress"),
        props: {
          handleDOMEvents: {
            // Before the Link extension's own paste handling (a DOM handler runs first).
            paste: (view, event) => {
              const text = event.clipboardData?.getData("text/plain")?.trim() || ""
              if (!searchUrl || !ARTICLE_ADDRESS.test(text) || !view.editable) return false
              if (view.state.selection.$from.parent.type.spec.code) return false
              event.preventDefault()
              pastedArticleAddress(editor, searchUrl, text)
              return true
            },
          },
        },
      }),
    ]
  },
})
