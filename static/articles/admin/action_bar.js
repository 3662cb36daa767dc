// The article form's bar of buttons at its top (change_form.html), kept at the top of the
// window by article_form.css: says « Modifications non enregistrées » once something is typed or
// chosen, and tells the page its height, so that a field reached with the keyboard is scrolled
// clear of it rather than left behind it (scroll-padding-top, article_form.css). The buttons are
// the form's own: nothing here posts.
"use strict"
const startActionBar = () => {
  const bar = document.getElementById("article-action-bar")
  const form = bar?.closest("form")
  if (!bar || !form) return

  const measure = () =>
    document.documentElement.style.setProperty("--article-action-bar-height", `${bar.offsetHeight}px`)
  measure()
  if (window.ResizeObserver) new ResizeObserver(measure).observe(bar)

  const dirty = bar.querySelector(".article-action-bar__dirty")
  const markDirty = () => {
    if (!dirty || dirty.textContent) return
    dirty.textContent = "Modifications non enregistrées"
    bar.dataset.dirty = "true"
  }
  // What the person types or picks. Not the editor's own « input » on its hidden <textarea>,
  // sent by script on every update of the text, the first one while it opens.
  form.addEventListener("input", (event) => event.isTrusted && markDirty())
  // A « change » sent by script is a field filled on purpose (a draft restored, autosave.js).
  form.addEventListener("change", markDirty)
  // The autocomplete boxes (select2) say their changes through jQuery only, and so does the
  // admin while it draws its widgets (RelatedObjectLookups « changes » every select, the
  // authors' two lists rearrange theirs): watched once the page has loaded, a select counts
  // when its choices differ from what they were then.
  const chosen = (select) => [...select.selectedOptions].map((option) => option.value).join(",")
  const watchSelects = () => {
    if (!window.django?.jQuery) return
    const drawn = new Map([...form.querySelectorAll("select")].map((select) => [select, chosen(select)]))
    django.jQuery(form).on("change", "select", (event) => {
      if (drawn.get(event.target) !== chosen(event.target)) markDirty()
    })
  }
  if (document.readyState === "complete") setTimeout(watchSelects)
  else window.addEventListener("load", () => setTimeout(watchSelects))
  // A refused save comes back with what was typed, still not saved.
  if (document.querySelector(".errornote")) markDirty()
}
// Admin media load in <head>: wait for the form.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startActionBar)
else startActionBar()
