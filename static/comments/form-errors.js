// A refused comment comes back with a summary of what to fix (GOV.UK's pattern): focused, so that a
// screen reader reads it first and a phone shows it. Loaded only on that answer. After « load »: the
// browser's own jump to the form's #anchor would otherwise take the focus back to the page.
window.addEventListener("load", () => {
  const summary = document.getElementById("erreurs-commentaire");
  if (summary) requestAnimationFrame(() => summary.focus());
});
