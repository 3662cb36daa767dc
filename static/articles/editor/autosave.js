// Draft autosave for the article form: what the journalist types (title, standfirst, body)
// is kept in this browser (localStorage, one entry per article, « new » for a new one), so
// that a closed tab or a crash loses nothing. On the next opening, a banner offers to
// restore it when it differs from what the server has. The entry is dropped once the
// server confirms a save (the admin's success message after the submit), never when the
// save was refused (the form comes back with its errors, or as a conflict to resolve).
// Loaded on every page of the article admin (ArticleAdmin.media), the list included,
// which is where « Enregistrer » leads.
// On top of the browser's copy, the same text goes to the server every few seconds while
// typing, as the person's private draft (articles/admin_drafts.py): offered back to them on
// any computer, through the same banner and the same version rule, and deleted there when
// the article is saved or the offer ignored.
(() => {
  const PREFIX = "newsroom:article-draft:"
  const SUBMITTED = "newsroom:article-draft-submitted" // sessionStorage: the key just submitted
  const FIELDS = ["title", "standfirst", "body"]
  const SAVE_DELAY = 400
  const SERVER_DELAY = 3000 // at most one request every 3 s while typing
  const KEEPALIVE_MAX = 60000 // what a request sent as the page closes may carry (browsers allow 64 kB)
  const SUBMITTED_SERVER = "newsroom:article-draft-submitted-server" // sessionStorage: its server address

  const storage = (() => {
    try {
      const probe = `${PREFIX}probe`
      window.localStorage.setItem(probe, "1")
      window.localStorage.removeItem(probe)
      return window.localStorage
    } catch {
      return null // private mode or storage disabled: nothing to do
    }
  })()
  if (!storage) return

  const read = (key) => {
    try {
      return JSON.parse(storage.getItem(key) || "null")
    } catch {
      return null
    }
  }

  // One slot per person and article: on a computer the newsroom shares, the next person
  // signed in is never offered (nor shown) somebody else's unsaved text.
  const draftKey = () => {
    const owner = document.getElementById("newsroom-autosave-owner")?.dataset.owner
    if (!owner) return null
    const match = window.location.pathname.match(/\/articles\/article\/(\d+)\/change\/$/)
    if (match) return `${PREFIX}${owner}:${match[1]}`
    if (/\/articles\/article\/add\/$/.test(window.location.pathname)) return `${PREFIX}${owner}:new`
    return null
  }

  const serverAddress = () => document.getElementById("newsroom-autosave-owner")?.dataset.server || null

  const csrfToken = () =>
    document.querySelector("input[name=csrfmiddlewaretoken]")?.value ||
    document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)?.[1] ||
    ""

  // The server's copy: read once when the form opens, written while typing, deleted once saved or ignored.
  const server = {
    async read(url) {
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        return response.ok ? (await response.json()).draft : null
      } catch {
        return null // the server's copy is a bonus: the browser's still works offline
      }
    },
    write(url, values, { keepalive = false } = {}) {
      const body = JSON.stringify(values)
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: keepalive && body.length < KEEPALIVE_MAX,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body,
      })
    },
    drop(url) {
      return fetch(url, {
        method: "DELETE",
        credentials: "same-origin",
        keepalive: true,
        headers: { "X-CSRFToken": csrfToken() },
      }).catch(() => {})
    },
  }

  const pageShowsErrors = () => !!document.querySelector(".errornote, .errorlist li, .messagelist .error")
  const pageConfirmsSave = () => !!document.querySelector(".messagelist .success") && !pageShowsErrors()

  // The page after a submit: a confirmed save drops the draft that was submitted.
  const confirmSubmitted = () => {
    const submitted = window.sessionStorage.getItem(SUBMITTED)
    const submittedServer = window.sessionStorage.getItem(SUBMITTED_SERVER)
    window.sessionStorage.removeItem(SUBMITTED_SERVER)
    if (!submitted) return
    window.sessionStorage.removeItem(SUBMITTED)
    if (pageConfirmsSave()) {
      storage.removeItem(submitted)
      storage.removeItem(`${submitted}:offered`)
      // The server drops it with the save; this also covers a copy sent while the form was being submitted.
      if (submittedServer) server.drop(submittedServer)
    }
  }

  const sameText = (draft, values) => FIELDS.every((name) => (draft[name] || "") === (values[name] || ""))

  // « 7 décembre à 10 h 42 » (the year only when it is not this one), as the rest of the admin writes times.
  const formatTime = (timestamp) => {
    const date = new Date(timestamp)
    const day = new Intl.DateTimeFormat("fr-FR", {
      day: "numeric",
      month: "long",
      ...(date.getFullYear() === new Date().getFullYear() ? {} : { year: "numeric" }),
    }).format(date)
    const minutes = String(date.getMinutes()).padStart(2, "0")
    return `${day.replace(" ", "\u00a0")} à ${date.getHours()}\u00a0h\u00a0${minutes}`
  }

  const setUp = async (form, editor) => {
    const key = draftKey()
    const inputs = Object.fromEntries(FIELDS.map((name) => [name, form.elements.namedItem(name)]))
    if (!key || !inputs.body) return

    // What the server sent (or what was POSTed, on a refused save), as the editor writes it.
    const current = () => {
      const bodyEditorNow = editor || bodyEditor // the editor may come after the 5 s wait
      return {
        title: inputs.title?.value || "",
        standfirst: inputs.standfirst?.value || "",
        body: bodyEditorNow ? bodyEditorNow.getHTML() : inputs.body.value,
      }
    }
    // The version the form was opened on (articles/admin_history.py): kept with the draft, and
    // put back with it, so that a draft older than the saved article goes through the server's
    // check for a save over somebody else's (refused, then merged or overwritten on purpose).
    const baseInputs = ["base_revision", "base_state"].map((name) => form.elements.namedItem(name))
    const base = () => baseInputs.map((input) => input?.value ?? "")
    const onServer = current()

    // The server's copy: none is sent while an offer waits (it would replace the text offered), nor
    // once the form is submitted (the save drops it), nor what the server already has.
    const serverUrl = serverAddress()
    const serverCopy = serverUrl ? server.read(serverUrl) : Promise.resolve(null)
    let serverTimer = null
    let offerWaiting = false
    let submitted = false
    let lastSent = null
    const push = ({ keepalive = false } = {}) => {
      window.clearTimeout(serverTimer)
      serverTimer = null
      if (!serverUrl || offerWaiting || submitted) return
      const values = current()
      if (sameText(values, onServer) || (lastSent && sameText(values, lastSent))) return
      lastSent = values
      server
        .write(serverUrl, { ...values, base: base() }, { keepalive })
        .then(async (response) => {
          if (response.status === 413) serverNote(form, (await response.json()).error)
          else if (response.ok) serverNote(form, "")
        })
        .catch(() => {
          lastSent = null // offline: sent again after the next keystroke
        })
    }
    const pushSoon = () => {
      if (!serverTimer) serverTimer = window.setTimeout(push, SERVER_DELAY)
    }

    let timer = null
    const save = () => {
      window.clearTimeout(timer)
      timer = null
      const values = current()
      if (sameText(values, onServer)) return // nothing typed yet: any older draft stays as it is
      storage.setItem(key, JSON.stringify({ ...values, base: base(), savedAt: Date.now() }))
    }
    const saveSoon = () => {
      window.clearTimeout(timer)
      timer = window.setTimeout(save, SAVE_DELAY)
      pushSoon()
    }
    for (const name of FIELDS) inputs[name]?.addEventListener("input", saveSoon)
    const saveNow = () => {
      save()
      if (serverTimer) push({ keepalive: true })
    }
    window.addEventListener("pagehide", saveNow)
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") saveNow()
    })
    form.addEventListener("submit", () => {
      save()
      submitted = true
      window.clearTimeout(serverTimer)
      window.sessionStorage.setItem(SUBMITTED, key)
      if (serverUrl) window.sessionStorage.setItem(SUBMITTED_SERVER, serverUrl)
    })

    // A draft left by an earlier visit (or one offered then and neither restored nor ignored).
    const offeredKey = `${key}:offered`
    const local = [read(key), read(offeredKey)].find((candidate) => candidate && !sameText(candidate, onServer))
    // Typed on another computer (or in this browser, and sent): offered when newer than this browser's.
    // Never over a refused save: the form shows what was just typed here.
    const remote = await serverCopy
    const newestHere = Math.max(0, ...[read(key), read(offeredKey)].map((kept) => kept?.savedAt || 0))
    const fromServer = remote && !sameText(remote, onServer) && remote.savedAt > newestHere && !pageShowsErrors()
    const draft = fromServer ? remote : local
    if (!draft) {
      // The same text as the server's: already saved, unless this page is a refused save.
      if (!pageShowsErrors()) {
        storage.removeItem(key)
        storage.removeItem(offeredKey)
        if (remote) server.drop(serverUrl)
      }
      return
    }
    // A conflict to resolve or a merge to review already shows what was typed: no offer over it.
    if (document.getElementById("article-conflict") || document.getElementById("article-merge")) return
    offerWaiting = true
    // What is typed from now on is kept under the usual key; the offer waits aside.
    storage.setItem(offeredKey, JSON.stringify(draft))
    storage.removeItem(key)
    const savedSince = Array.isArray(draft.base) && draft.base[0] !== base()[0]
    offer(form, draft, savedSince, {
      restore() {
        for (const name of ["title", "standfirst"]) {
          if (!inputs[name]) continue
          inputs[name].value = draft[name] || ""
          inputs[name].dispatchEvent(new Event("change", { bubbles: true }))
        }
        inputs.body.value = draft.body || ""
        const bodyEditorNow = editor || bodyEditor
        if (bodyEditorNow) bodyEditorNow.commands.setContent(draft.body || "", { emitUpdate: true })
        if (savedSince) draft.base.forEach((value, index) => baseInputs[index] && (baseInputs[index].value = value))
        storage.removeItem(offeredKey)
        save()
        offerWaiting = false
        if (fromServer) lastSent = current() // the server has it already
        push()
      },
      ignore() {
        storage.removeItem(offeredKey)
        offerWaiting = false
        // Ignored here is ignored everywhere: the server's copy goes too, and what was typed meanwhile is sent.
        if (serverUrl) server.drop(serverUrl).then(() => push())
      },
    })
  }

  const offer = (form, draft, savedSince, { restore, ignore }) => {
    const banner = document.createElement("div")
    banner.className = "newsroom-draft-banner"
    banner.setAttribute("role", "alert")
    const text = document.createElement("p")
    text.textContent =
      `Une version non enregistrée de ce texte, du ${formatTime(draft.savedAt || Date.now())}, vous attend. ` +
      `Elle diffère de la version enregistrée.` +
      (savedSince
        ? ` L’article a été enregistré depuis : si vous la restaurez, l’enregistrement vous montrera ` +
          `ce qui a changé entre-temps, pour fusionner ou remplacer en connaissance de cause.`
        : "")
    const buttons = document.createElement("p")
    const button = (label, title, action) => {
      const element = document.createElement("button")
      element.type = "button"
      element.className = "button"
      element.textContent = label
      element.title = title
      element.addEventListener("click", () => {
        action()
        banner.remove()
      })
      return element
    }
    buttons.append(
      button("Restaurer", "Remettre dans le formulaire le titre, le chapô et le texte gardés", restore),
      " ",
      button("Ignorer", "Oublier la version gardée et garder celle du serveur", ignore),
    )
    banner.append(text, buttons)
    form.prepend(banner)
  }

  // Why the server keeps no copy (too long): said once, next to the form's top, until it keeps one again.
  const serverNote = (form, message) => {
    let note = form.querySelector(".newsroom-draft-server-note")
    if (!message) {
      note?.remove()
      return
    }
    if (!note) {
      note = document.createElement("p")
      note.className = "newsroom-draft-server-note help"
      note.setAttribute("role", "status")
      form.prepend(note)
    }
    note.textContent = message
  }

  // The editor replaces the body's textarea once its modules are loaded; its HTML is the reference.
  // Listened for at once: this script runs in the page's head, before the editor's modules.
  let bodyEditor = null
  let onEditor = null
  document.addEventListener("prose-editor:ready", (event) => {
    if (event.detail.textarea?.name !== "body") return
    bodyEditor = event.detail.editor
    onEditor?.(bodyEditor)
  })

  // Drafts kept before they were per person (« …:12 », « …:new »): nobody can be sure whose they are.
  const forgetUnownedDrafts = () => {
    for (const key of Object.keys(storage)) {
      if (/^newsroom:article-draft:(\d+|new)(:offered)?$/.test(key)) storage.removeItem(key)
    }
  }

  const start = () => {
    forgetUnownedDrafts()
    confirmSubmitted()
    const form = document.getElementById("article_form")
    if (!form || !draftKey()) return
    let started = false
    const go = async (editor) => {
      if (started) return
      started = true
      await setUp(form, editor)
      form.dataset.autosave = "ready" // for whoever waits for the draft to be checked (the tests)
    }
    if (bodyEditor) go(bodyEditor)
    else onEditor = go
    // No editor after a while (JavaScript modules refused): the plain textarea is kept all the same.
    window.setTimeout(() => go(bodyEditor), 5000)
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
