// The manifest editor's live check (workspace, served hub only). While a person types, the form is sent
// (debounced) to the hub's check, which runs the very validation a submit runs and answers each problem
// with the JSON pointer of its field; this script only shows the answer: the message next to the field
// named by that pointer (or the nearest enclosing one), aria-invalid on it, and a count. It holds no rule
// of its own. Without this script, "Prüfen" submits the form and the page shows the same problems.
(function () {
  "use strict";
  var form = document.querySelector("form[data-pruefen]");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var url = form.getAttribute("data-pruefen");
  var status = document.getElementById("live-pruefung");
  var section = document.querySelector(".manifest-problems");
  var list = document.getElementById("probleme");
  var ready = document.getElementById("veroeffentlichen-bereit");
  var timer = null;
  var asked = 0;

  function place(pointer) {
    // the element named by the pointer, else the nearest enclosing one (an entry, a group)
    while (pointer) {
      var found = form.querySelectorAll("[data-pointer]");
      for (var i = 0; i < found.length; i++) {
        if (found[i].getAttribute("data-pointer") === pointer) return found[i];
      }
      pointer = pointer.slice(0, pointer.lastIndexOf("/"));
    }
    return null;
  }

  function control(container) {
    // the container's own input (not one of a nested group's)
    for (var i = 0; i < container.children.length; i++) {
      var child = container.children[i];
      if (/^(INPUT|SELECT|TEXTAREA)$/.test(child.tagName)) return child;
    }
    return null;
  }

  function item(text, className) {
    var li = document.createElement("li");
    li.className = className;
    li.textContent = text;
    return li;
  }

  function show(problems) {
    var lists = form.querySelectorAll(".field-problems");
    for (var i = 0; i < lists.length; i++) lists[i].textContent = "";
    var marked = form.querySelectorAll("[aria-invalid]");
    for (var j = 0; j < marked.length; j++) marked[j].removeAttribute("aria-invalid");
    list.textContent = "";
    var errors = 0;
    problems.forEach(function (problem) {
      var hint = problem.severity === "hint";
      if (!hint) errors++;
      var where = problem.file === "hub.yaml" && problem.pointer ? place(problem.pointer) : null;
      var text = (hint ? "Hinweis: " : "") + problem.message;
      if (where) {
        var own = document.getElementById(where.id ? where.id + "-fehler" : "") || where.querySelector(".field-problems");
        if (own) own.appendChild(item(text, hint ? "hint" : "error"));
        var input = control(where);
        if (input && !hint) input.setAttribute("aria-invalid", "true");
      } else {
        var file = problem.file + (problem.line ? ":" + problem.line : "");
        list.appendChild(item((hint ? "Hinweis in " : "Fehler in ") + file + ": " + problem.message, hint ? "hint" : "error"));
      }
    });
    section.hidden = list.children.length === 0;
    status.textContent =
      "Live-Prüfung: " + (errors === 0 ? "keine Fehler." : errors + " Fehler.") + (ready && ready.hidden ? " Zum Veröffentlichen bitte „Prüfen“." : "");
  }

  function check() {
    var mine = ++asked;
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") body.append(name, value); // chosen files are sent with "Prüfen", not with each keystroke
    });
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) {
        var type = answer.headers.get("content-type") || "";
        return answer.ok && type.indexOf("application/json") === 0 ? answer.json() : null;
      })
      .then(function (answer) {
        if (answer && mine === asked) show(answer.problems);
      })
      .catch(function () {
        /* the hub is unreachable: "Prüfen" still works */
      });
  }

  function renamed(value, from, to, separator) {
    // a name, pointer or id below the copied entry, moved to the next entry's
    return value === from || value.indexOf(from + separator) === 0 ? to + value.slice(from.length) : value;
  }

  function grow(spare) {
    // typing in the empty entry makes it an entry of its own, and a new empty one follows (as after "Prüfen")
    var pointer = spare.getAttribute("data-pointer");
    var cut = pointer.lastIndexOf("/");
    var index = parseInt(pointer.slice(cut + 1), 10);
    var next = pointer.slice(0, cut + 1) + (index + 1);
    var id = spare.id;
    var nextId = id.slice(0, id.lastIndexOf("-") + 1) + (index + 1);
    var copy = spare.cloneNode(true);
    [copy].concat(Array.prototype.slice.call(copy.querySelectorAll("*"))).forEach(function (element) {
      ["name", "data-pointer"].forEach(function (name) {
        if (element.hasAttribute(name)) element.setAttribute(name, renamed(element.getAttribute(name), pointer, next, "/"));
      });
      ["id", "for"].forEach(function (name) {
        if (element.hasAttribute(name)) element.setAttribute(name, renamed(element.getAttribute(name), id, nextId, "-"));
      });
      if (element.hasAttribute("aria-describedby")) {
        var ids = element.getAttribute("aria-describedby").split(" ");
        element.setAttribute("aria-describedby", ids.map(function (one) { return renamed(one, id, nextId, "-"); }).join(" "));
      }
      if (element.tagName === "INPUT" && (element.type === "checkbox" || element.type === "radio")) element.checked = false;
      else if (element.tagName === "INPUT" || element.tagName === "TEXTAREA") element.value = "";
      else if (element.tagName === "SELECT") element.selectedIndex = 0;
      element.removeAttribute("aria-invalid");
      if (element.classList.contains("field-problems")) element.textContent = "";
    });
    spare.classList.remove("spare");
    var note = spare.querySelector(".spare-note");
    if (note) note.parentNode.removeChild(note);
    spare.querySelector("legend").textContent = spare.getAttribute("data-eintrag") + " " + (index + 1);
    spare.parentNode.insertBefore(copy, spare.nextSibling);
  }

  function changed(event) {
    var spare = event && event.target && event.target.closest ? event.target.closest("fieldset.spare") : null;
    if (spare && event.target.value) grow(spare);
    if (ready && !ready.hidden) {
      // the publish button publishes the checked state, not what is typed now
      ready.hidden = true;
      status.textContent = "Geändert: bitte erneut prüfen, dann veröffentlichen.";
    }
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
})();
