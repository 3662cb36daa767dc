// « Composer la une » (articles/admin_frontpage.py): the same controls as without JavaScript, done in
// the page. Rows move by drag and drop or with « Monter » / « Descendre » (the focus stays on the
// button pressed, on the moved row), « Retirer » removes one, the search lists articles as the
// editor types; every change is said once in the polite live region. The position fields, which
// order the list without JavaScript, are kept in step and hidden.
(function () {
  "use strict";

  const form = document.getElementById("frontpage-form");
  if (!form) return;
  const list = document.getElementById("frontpage-slots");
  const announcer = document.getElementById("frontpage-announce");
  const empty = form.querySelector(".frontpage-empty");
  const blank = document.getElementById("frontpage-slot-template");
  const search = document.getElementById("frontpage-q");
  const results = document.getElementById("frontpage-results");
  const slots = Number(form.dataset.slots);
  // A newsletter's edition is ordered with this script too, in its own words (data-removed…).
  const words = {
    removed: form.dataset.removed || "retiré de la une",
    already: form.dataset.already || "Cet article est déjà dans la une.",
    full: form.dataset.full || "La une est complète (" + slots + " articles) : retirez-en un avant d’en ajouter.",
  };
  form.classList.add("frontpage-form--js");

  function rows() {
    return Array.from(list.querySelectorAll(".frontpage-slot"));
  }

  function titleOf(row) {
    return row.dataset.title;
  }

  function say(text) {
    // Emptied first, so that the same sentence twice in a row is said twice.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 50);
  }

  function renumber() {
    rows().forEach(function (row, index) {
      row.querySelector('input[name^="position_"]').value = String(index + 1);
    });
    empty.hidden = rows().length > 0;
  }

  function placed(row) {
    return "« " + titleOf(row) + " » placé en position " + (rows().indexOf(row) + 1);
  }

  function move(row, step, button) {
    const all = rows();
    const index = all.indexOf(row);
    const target = index + step;
    if (target < 0 || target >= all.length) {
      say("« " + titleOf(row) + " » " + (step < 0 ? "déjà en première position" : "déjà en dernière position"));
      return;
    }
    if (step < 0) list.insertBefore(row, all[target]);
    else list.insertBefore(row, all[target].nextSibling);
    renumber();
    if (button) button.focus();
    say(placed(row));
  }

  function remove(row) {
    const all = rows();
    const index = all.indexOf(row);
    const title = titleOf(row);
    row.remove();
    renumber();
    const next = rows()[Math.min(index, rows().length - 1)];
    (next ? next.querySelector('[data-action="remove"]') : search).focus();
    say("« " + title + " » " + words.removed);
  }

  function add(article) {
    if (rows().some(function (row) { return row.dataset.id === String(article.id); })) {
      say(words.already);
      return;
    }
    if (rows().length >= slots) {
      say(words.full);
      return;
    }
    const row = blank.content.firstElementChild.cloneNode(true);
    const id = String(article.id);
    row.querySelectorAll("*").forEach(function (element) {
      ["id", "for", "name", "value", "aria-describedby"].forEach(function (name) {
        const value = element.getAttribute(name);
        if (value && value.indexOf("__id__") !== -1) element.setAttribute(name, value.replace("__id__", id));
      });
    });
    row.dataset.id = id;
    row.dataset.title = article.title;
    row.querySelector(".frontpage-slot-title").textContent = article.title;
    row.querySelector(".frontpage-slot-section").textContent = article.section;
    const note = row.querySelector(".frontpage-slot-note");
    note.textContent = article.note;
    note.hidden = !article.note;
    row.querySelectorAll(".visually-hidden").forEach(function (hidden) {
      if (hidden.closest("button")) hidden.textContent = " « " + article.title + " »";
      else hidden.textContent = " de « " + article.title + " »";
    });
    list.appendChild(row);
    renumber();
    say("« " + article.title + " » ajouté en position " + rows().length);
  }

  list.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    event.preventDefault();
    const row = button.closest(".frontpage-slot");
    const action = button.dataset.action;
    if (action === "up") move(row, -1, button);
    else if (action === "down") move(row, 1, button);
    else if (action === "remove") remove(row);
  });

  // Drag and drop: a row dropped on another takes its place.
  let dragged = null;
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".frontpage-slot");
    if (!dragged) return;
    dragged.classList.add("frontpage-slot--dragged");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.id);
  });
  list.addEventListener("dragover", function (event) {
    if (dragged) event.preventDefault();
  });
  list.addEventListener("drop", function (event) {
    const target = event.target.closest(".frontpage-slot");
    event.preventDefault();
    if (!dragged || !target || target === dragged) return;
    const all = rows();
    if (all.indexOf(dragged) < all.indexOf(target)) list.insertBefore(dragged, target.nextSibling);
    else list.insertBefore(dragged, target);
    renumber();
    say(placed(dragged));
  });
  list.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("frontpage-slot--dragged");
    dragged = null;
  });

  // The search, as the editor types; Enter searches at once rather than sending the form.
  let timer = null;
  let asked = 0;

  function showResults(found) {
    results.textContent = "";
    if (!found.length) {
      const none = document.createElement("li");
      none.className = "frontpage-none";
      none.textContent = "Aucun article publié ne porte ce titre.";
      results.appendChild(none);
    }
    found.forEach(function (article) {
      const item = document.createElement("li");
      item.dataset.id = String(article.id);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = "Ajouter";
      const hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " « " + article.title + " »";
      button.appendChild(hidden);
      button.addEventListener("click", function () {
        add(article);
      });
      const title = document.createElement("span");
      title.className = "frontpage-result-title";
      title.textContent = article.title;
      const section = document.createElement("span");
      section.className = "frontpage-slot-section";
      section.textContent = article.section;
      item.append(button, " ", title, " ", section);
      if (article.note) {
        const note = document.createElement("span");
        note.className = "frontpage-slot-note";
        note.textContent = article.note;
        item.append(" ", note);
      }
      results.appendChild(item);
    });
    say(found.length ? found.length + (found.length > 1 ? " articles trouvés" : " article trouvé") : "Aucun article trouvé");
  }

  function find() {
    const query = search.value.trim();
    const number = ++asked;
    if (!query) {
      results.textContent = "";
      return;
    }
    fetch(form.dataset.searchUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (answer) {
        if (number === asked) showResults(answer.results);
      })
      .catch(function () {
        say("La recherche n’a pas abouti : réessayez, ou utilisez le bouton « Chercher ».");
      });
  }

  search.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(find, 250);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      window.clearTimeout(timer);
      find();
    }
  });
  form.querySelector('button[name="_search"]').addEventListener("click", function (event) {
    event.preventDefault();
    find();
  });
  // Results rendered by the server (a search sent without JavaScript) add in the page too.
  results.addEventListener("click", function (event) {
    const button = event.target.closest('button[name="_add"]');
    if (!button) return;
    event.preventDefault();
    const item = button.closest("li");
    add({
      id: item.dataset.id,
      title: item.querySelector(".frontpage-result-title").textContent,
      section: item.querySelector(".frontpage-slot-section").textContent,
      note: "",
    });
  });
})();
