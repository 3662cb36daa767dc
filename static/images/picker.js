// The image picker the article editor opens in a window (templates/images/picker.html): hands the
// chosen or uploaded image to the editor. A file of its own rather than an inline script, which the
// staff pages' Content-Security-Policy refuses; the form's data- attributes carry its French messages.
document.addEventListener("DOMContentLoaded", () => {
  const callback = new URLSearchParams(window.location.search).get("CKEditorFuncNum");
  // Hand the chosen image to the editor that opened this window, then close it.
  const choose = (url, data) => {
    if (!window.opener || !callback) return false;
    window.opener.CKEDITOR.tools.callFunction(callback, url, data);
    window.close();
    return true;
  };
  document.querySelectorAll("[data-image-id]").forEach((button) => {
    button.addEventListener("click", () => {
      choose(button.dataset.url, {
        id: Number(button.dataset.imageId),
        alternative_text: button.dataset.alt,
        caption: button.dataset.caption,
      });
    });
  });
  // After an upload without the script below (a normal POST): the new image goes at once.
  const added = document.querySelector("[data-added]");
  if (added) added.click();

  // The upload is posted in the background: a refused one keeps the chosen file in its field.
  const form = document.getElementById("picker-upload");
  if (!form) return;
  const status = document.getElementById("picker-upload-status");
  const showErrors = (errors) => {
    form.querySelectorAll("[data-field]").forEach((row) => {
      const list = row.querySelector(".errorlist");
      const fieldErrors = errors[row.dataset.field] || [];
      const items = fieldErrors.map((error) => Object.assign(document.createElement("li"), { textContent: error }));
      list.replaceChildren(...items);
      list.hidden = !fieldErrors.length;
      const input = row.querySelector("input, textarea, select");
      if (input) {
        if (fieldErrors.length) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
    });
    const first = form.querySelector("[aria-invalid=true]");
    if (first) first.focus();
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    status.textContent = form.dataset.messageSending;
    try {
      const response = await fetch(window.location.href, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.status === 413) {
        // Refused by the web server in front, before Django: its answer is no JSON.
        status.textContent = form.dataset.messageTooLarge;
        return;
      }
      const result = await response.json();
      if (response.ok) {
        showErrors({});
        status.textContent = form.dataset.messageAdded;
        const image = result.image;
        if (!choose(image.url, image)) window.location.reload();
      } else {
        status.textContent = form.dataset.messageRefused;
        showErrors(result.errors || {});
      }
    } catch (error) {
      status.textContent = form.dataset.messageFailed;
    } finally {
      button.disabled = false;
    }
  });
});
