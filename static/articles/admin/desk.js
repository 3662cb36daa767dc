// The article form's accessible names, for what scripts draw after the page is built: the
// autocomplete boxes (select2) and the text editor get the name of their field's label, as
// screen readers announce it. Drawn again on every change (select2 redraws its search box).
"use strict";
(function () {
  function labelFor(id) {
    const label = id && document.querySelector(`label[for="${id}"]`);
    if (label && !label.id) label.id = `${id}-label`;
    return label;
  }

  function name(element, label) {
    if (element && label && element.getAttribute("aria-labelledby") !== label.id) {
      element.setAttribute("aria-labelledby", label.id);
    }
  }

  function nameEverything() {
    // select2 hides the <select> and draws a combobox (and a search box, for several choices) next to it.
    document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const label = labelFor(select.id);
      const drawn = select.nextElementSibling;
      if (!label || !drawn || !drawn.classList.contains("select2")) return;
      const selection = drawn.querySelector(".select2-selection");
      const shown = drawn.querySelector(".select2-selection__rendered[role]");
      // The combobox reads « Image principale », then the choice it shows (select2's own text box).
      if (selection && shown && shown.id) name(selection, { id: `${label.id} ${shown.id}` });
      else name(selection, label);
      name(shown, label);
      name(drawn.querySelector(".select2-search__field"), label);
      // select2 (4.0, Django's copy) puts its « clear all » cross, a <span>, inside the <ul> of the
      // choices: a list holding something not a list item (axe: « list », serious). The cross is
      // for the mouse only (no focus, no keyboard; Backspace removes a choice), and each choice
      // keeps its own: hidden from screen readers, the list holds list items only.
      drawn.querySelectorAll("ul > .select2-selection__clear:not([aria-hidden])").forEach((cross) => {
        cross.setAttribute("aria-hidden", "true");
      });
    });
    // The search icons of the authors' two lists (Django's SelectFilter2) carry a name but no role.
    document.querySelectorAll(".selector .help-tooltip[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
    // The editor replaces its <textarea> with an editable <div>, a multi-line text box.
    document.querySelectorAll(".prose-editor").forEach((editor) => {
      const textarea = editor.querySelector("textarea") || editor.parentElement.querySelector("textarea");
      const editable = editor.querySelector('[contenteditable="true"]');
      const label = labelFor(textarea && textarea.id);
      if (!editable || !label) return;
      if (editable.getAttribute("role") !== "textbox") editable.setAttribute("role", "textbox");
      if (editable.getAttribute("aria-multiline") !== "true") editable.setAttribute("aria-multiline", "true");
      name(editable, label);
    });
  }

  function start() {
    nameEverything();
    new MutationObserver(nameEverything).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
