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
  // What the person types. Not the editor's own « input » on its hidden <textarea>, sent by
  // script on every update of the text (the first while it opens), nor a search typed in an
  // autocomplete box (a choice made there counts, below).
  form.addEventListener("input", (event) => event.isTrusted && !event.target.closest(".select2") && markDirty())
  // A choice, or a field filled by script on purpose (a draft restored, autosave.js; a place
  // chosen in an autocomplete box, which select2 says with a « change » of its <select>).
  form.addEventListener("change", markDirty)
  // A refused save comes back with what was typed, still not saved.
  if (document.querySelector(".errornote")) markDirty()
}
// Admin media load in <head>: wait for the form.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startActionBar)
else startActionBar()
