// « 42 / 70 caractères » under the search engines' title and description (articles/seo_admin.py):
// the desk sees how much room is left before typing more. The field's maxlength stays the rule;
// this only says where one stands. Read with the field (aria-describedby), not announced on each key.
"use strict"
const startSeoCounters = () => {
  for (const field of document.querySelectorAll("[data-seo-counter]")) {
    const limit = Number(field.getAttribute("maxlength"))
    if (!limit) continue
    const counter = document.createElement("span")
    counter.className = "seo-counter"
    counter.id = `${field.id}_counter`
    field.after(counter)
    const described = field.getAttribute("aria-describedby")
    field.setAttribute("aria-describedby", described ? `${described} ${counter.id}` : counter.id)
    const update = () => {
      const used = [...field.value].length
      counter.textContent = `${used}\u00a0/\u00a0${limit} caractères`
      counter.classList.toggle("seo-counter-full", used >= limit)
    }
    field.addEventListener("input", update)
    update()
  }
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startSeoCounters)
else startSeoCounters()
