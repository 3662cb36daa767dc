// The article form's tags field, with an autocomplete: while a tag is typed, the existing tags
// of the same topic (« #numérique » → « Numérique ») and those starting with or containing it
// are offered first, then « Créer « … » » (articles/admin_tags.py answers, same origin). The
// field stays a plain text field (« FinTech, IoT »): without this script, the server still turns
// a typed tag into the existing one when saving. A combobox with a list box, as the WAI-ARIA
// authoring practices describe it: ↓/↑ to move, Enter to choose, Escape to close.
"use strict"
const startTagAutocomplete = () => {
  const input = document.getElementById("id_tags")
  if (!input || input.type !== "text") return
  // …/article/add/ or …/article/<id>/change/ → …/article/tags/
  const endpoint = window.location.pathname.replace(/(add|\d+\/change)\/$/, "tags/")

  const wrapper = document.createElement("div")
  wrapper.className = "tag-autocomplete"
  input.before(wrapper)
  wrapper.append(input)
  const list = document.createElement("ul")
  list.id = "id_tags_options"
  list.className = "tag-autocomplete__list"
  list.setAttribute("role", "listbox")
  list.setAttribute("aria-label", "Mots-clés proposés")
  list.hidden = true
  wrapper.append(list)
  input.setAttribute("role", "combobox")
  input.setAttribute("aria-autocomplete", "list")
  input.setAttribute("aria-controls", list.id)
  input.setAttribute("aria-expanded", "false")
  input.autocomplete = "off"

  // The tag being typed: from the comma before the cursor to the comma after it.
  const segment = () => {
    const value = input.value
    const cursor = input.selectionStart ?? value.length
    const start = value.lastIndexOf(",", cursor - 1) + 1
    const end = value.indexOf(",", cursor)
    return { start, end: end === -1 ? value.length : end, text: value.slice(start, end === -1 ? undefined : end).trim() }
  }

  let active = -1
  const options = () => [...list.children]
  const close = () => {
    list.hidden = true
    list.replaceChildren()
    active = -1
    input.setAttribute("aria-expanded", "false")
    input.removeAttribute("aria-activedescendant")
  }
  const highlight = (index) => {
    const all = options()
    active = all.length ? (index + all.length) % all.length : -1
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)))
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", all[active].id)
      all[active].scrollIntoView({ block: "nearest" })
    }
  }
  const choose = (option) => {
    const { start, end } = segment()
    const before = input.value.slice(0, start).replace(/\s*$/, start ? " " : "")
    const after = input.value.slice(end).replace(/^,?\s*/, "")
    const name = option.dataset.name
    input.value = `${before}${name}, ${after}`
    const cursor = before.length + name.length + 2
    input.setSelectionRange(cursor, cursor)
    input.dispatchEvent(new Event("input", { bubbles: true }))
    close()
    input.focus()
  }
  const show = (typed, names, exists) => {
    list.replaceChildren()
    const entries = names.map((name) => ({ name, label: name }))
    // A new topic only: « #numérique » is not offered as a second « Numérique ».
    const newName = typed.replace(/^#+/, "").trim()
    if (!exists && newName) entries.push({ name: newName, label: `Créer « ${newName} »`, create: true })
    entries.forEach((entry, index) => {
      const option = document.createElement("li")
      option.id = `id_tags_option_${index}`
      option.setAttribute("role", "option")
      option.setAttribute("aria-selected", "false")
      option.dataset.name = entry.name
      option.textContent = entry.label
      if (entry.create) option.className = "tag-autocomplete__create"
      // mousedown, not click: the field keeps its focus (and its cursor) meanwhile.
      option.addEventListener("mousedown", (event) => {
        event.preventDefault()
        choose(option)
      })
      list.append(option)
    })
    list.hidden = entries.length === 0
    input.setAttribute("aria-expanded", String(!list.hidden))
    highlight(0)
  }

  let asked = 0 // only the latest answer is shown: an older one may arrive after it
  let pending = null
  const ask = () => {
    const typed = segment().text
    const number = ++asked
    if (!typed.replace(/^#+/, "").trim()) return close()
    fetch(`${endpoint}?q=${encodeURIComponent(typed)}`, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((found) => {
        if (found && number === asked && document.activeElement === input) show(typed, found.tags, found.exists)
      })
      .catch(() => {})
  }
  input.addEventListener("input", (event) => {
    if (!event.isTrusted) return // our own choice, just made
    clearTimeout(pending)
    pending = setTimeout(ask, 150)
  })
  input.addEventListener("keydown", (event) => {
    if (list.hidden) {
      if (event.key === "ArrowDown" && segment().text) {
        event.preventDefault()
        ask()
      }
      return
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault()
      highlight(active + (event.key === "ArrowDown" ? 1 : -1))
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault() // choosing a tag, not saving the article
      choose(options()[active])
    } else if (event.key === "Escape") {
      event.preventDefault()
      close()
    }
  })
  input.addEventListener("blur", () => setTimeout(close, 100))
}
// Admin media load in <head>: wait for the form.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startTagAutocomplete)
else startTagAutocomplete()
