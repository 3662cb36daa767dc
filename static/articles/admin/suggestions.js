// Places and people the text names, offered beside the « Territoires » and « Personnalités »
// fields while the journalist writes (articles/admin_suggestions.py answers).
"use strict"
const startLiveSuggestions = () => {
  const form = document.getElementById("article_form")
  if (!form) return
  // …/article/add/ or …/article/<id>/change/ → …/article/suggestions/
  const endpoint = window.location.pathname.replace(/(add|\d+\/change)\/$/, "suggestions/")
  const fields = {
    territories: document.getElementById("id_territories"),
    personalities: document.getElementById("id_personalities"),
  }
  if (!fields.territories && !fields.personalities) return

  const boxes = {}
  for (const [name, select] of Object.entries(fields)) {
    if (!select) continue
    const box = document.createElement("div")
    box.className = "live-suggestions"
    box.setAttribute("aria-live", "polite")
    box.hidden = true
    ;(select.closest(".flex-container") || select).after(box)
    boxes[name] = box
  }

  const editorText = () => {
    const editable = form.querySelector('.prose-editor [contenteditable="true"]')
    return editable ? editable.innerText : form.querySelector("#id_body")?.value || ""
  }

  const add = (name, item) => {
    const select = fields[name]
    if (![...select.options].some((option) => option.value === String(item.id))) {
      select.append(new Option(item.name, item.id, true, true))
    } else {
      select.querySelector(`option[value="${item.id}"]`).selected = true
    }
    // The autocomplete box (select2) redraws from the <select>; its change asks again.
    if (window.django && django.jQuery) django.jQuery(select).trigger("change")
    else askSoon()
  }

  const show = (name, items) => {
    const box = boxes[name]
    if (!box) return
    // A live region: redrawn only when the suggestions change, or screen readers repeat them.
    const ids = items.map((item) => item.id).join(",")
    if (box.dataset.ids === ids) return
    box.dataset.ids = ids
    box.replaceChildren()
    box.hidden = items.length === 0
    if (!items.length) return
    const label = document.createElement("span")
    label.textContent = "Cités dans le texte : "
    box.append(label)
    for (const item of items) {
      const button = document.createElement("button")
      button.type = "button"
      button.className = "button"
      button.textContent = `+ ${item.name}`
      button.title = `Ajouter « ${item.name} »`
      button.setAttribute("aria-label", button.title)
      button.addEventListener("click", () => add(name, item))
      box.append(button, " ")
    }
  }

  let pending = null
  let asked = 0 // only the latest answer is shown: an older one may arrive after it
  const ask = () => {
    const number = ++asked
    const data = new FormData()
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value)
    data.append("title", form.querySelector("#id_title")?.value || "")
    data.append("standfirst", form.querySelector("#id_standfirst")?.value || "")
    data.append("text", editorText())
    for (const [name, select] of Object.entries(fields)) {
      if (select) for (const option of select.selectedOptions) data.append(name, option.value)
    }
    fetch(endpoint, { method: "POST", body: data, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((found) => {
        if (!found || number !== asked) return
        show("territories", found.territories)
        show("personalities", found.personalities)
      })
      .catch(() => {})
  }
  const askSoon = () => {
    clearTimeout(pending)
    pending = setTimeout(ask, 1200)
  }
  form.addEventListener("input", askSoon)
  for (const select of Object.values(fields)) {
    if (select && window.django && django.jQuery) django.jQuery(select).on("change", askSoon)
  }
  ask()
}
// Admin media load in <head>: wait for the form.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startLiveSuggestions)
else startLiveSuggestions()
