/* Press release search: the little the pages do with JavaScript. Every page works without it.

   - A long facet's filter box ([data-facet-filter]): hides the values that do not match
     what is typed. Without JavaScript the box stays hidden and a link leads to a page of
     every value.
   - Suggestions under the search box (input[data-suggest]): completions from
     /api/suggest in an ARIA 1.2 combobox (arrows, Enter, Escape). Without JavaScript the
     box is a plain search box.

   Answers are read as data and drawn with textContent: nothing from the server is ever
   inserted as HTML. */
(function () {
  "use strict";

  var SUGGEST_DELAY_MS = 150; // typing faster than this sends one request, not one per key
  var SUGGEST_MIN_CHARS = 2;
  var SUGGEST_MAX_CHARS = 100; // the server's limit on a prefix
  var KIND_LABELS = { official: "official", country: "country", word: "title word", phrase: "title phrase" };

  /* Lower case without accents: "Calderón" and "calderon" read alike. */
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function plural(n, word) {
    return n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s");
  }

  /* --- A long facet's filter box --------------------------------------------------- */

  function setUpFacetFilter(box) {
    var section = box.parentElement;
    var input = box.querySelector("input");
    var status = box.querySelector("[role=status]");
    var items = Array.prototype.slice.call(section.querySelectorAll(".facet-values > li"));
    var details = section.querySelector("details");
    var groups = section.querySelectorAll("[data-filter-group]");
    var wasOpen = details ? details.open : false;
    var filtering = false;
    box.hidden = false;

    input.addEventListener("input", function () {
      var typed = fold(input.value.trim());
      if (typed && !filtering && details) {
        wasOpen = details.open;
        details.open = true; // matches among the folded values must show too
      } else if (!typed && filtering && details) {
        details.open = wasOpen;
      }
      filtering = Boolean(typed);
      var shown = 0;
      items.forEach(function (item) {
        var value = item.querySelector(".facet-value");
        var match = !typed || fold(value ? value.textContent : item.textContent).indexOf(typed) !== -1;
        item.hidden = !match;
        if (match) shown += 1;
      });
      Array.prototype.forEach.call(groups, function (group) {
        group.hidden = !group.querySelector(".facet-values > li:not([hidden])");
      });
      if (details) details.querySelector("summary").hidden = filtering;
      status.textContent = !typed ? "" : shown ? plural(shown, "value") + " of " + items.length : "No value matches";
    });
  }

  /* --- Suggestions under the search box ---------------------------------------------- */

  function setUpSuggestions(input) {
    var form = input.form;
    var endpoint = input.getAttribute("data-suggest");
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var timer = null;
    var sent = 0; // number of the latest request: an older answer is stale
    var controller = null;
    var items = [];
    var active = -1;

    list.id = input.id + "-suggestions";
    list.className = "typeahead";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentElement.classList.add("has-suggestions");
    input.parentElement.insertBefore(list, input.nextSibling);
    input.parentElement.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      setActive(-1);
    }

    function setActive(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (option, n) {
        option.setAttribute("aria-selected", n === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function draw(suggestions) {
      items = suggestions;
      list.textContent = "";
      suggestions.forEach(function (suggestion, n) {
        var option = document.createElement("li");
        var text = document.createElement("span");
        var kind = document.createElement("span");
        var count = document.createElement("span");
        option.id = list.id + "-" + n;
        option.className = "typeahead-option";
        option.setAttribute("role", "option");
        text.className = "typeahead-text";
        text.textContent = suggestion.text;
        kind.className = "typeahead-kind";
        kind.textContent = KIND_LABELS[suggestion.kind] || String(suggestion.kind);
        count.className = "typeahead-count";
        count.textContent = plural(Number(suggestion.count) || 0, "release");
        option.appendChild(text);
        option.appendChild(kind);
        option.appendChild(count);
        // Keep the focus in the box, so choosing with the mouse does not close the list first.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          choose(n);
        });
        list.appendChild(option);
      });
      setActive(-1);
      if (suggestions.length) {
        open();
        status.textContent = plural(suggestions.length, "suggestion") + "; arrow keys to choose";
      } else {
        close();
        status.textContent = "";
      }
    }

    function request(typed) {
      var number = ++sent;
      if (controller) controller.abort();
      controller = typeof AbortController === "function" ? new AbortController() : null;
      fetch(endpoint + "?q=" + encodeURIComponent(typed), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          // Stale: a later request was sent, the box no longer holds what was asked, or
          // the person has moved on.
          if (number !== sent || !answer || input.value.trim() !== typed || document.activeElement !== input) return;
          draw(Array.isArray(answer.suggestions) ? answer.suggestions : []);
        })
        .catch(function () {
          // Cancelled by a newer request, or offline: the box still works as a plain one.
        });
    }

    function choose(n) {
      var suggestion = items[n];
      close();
      if (!suggestion) return;
      var url = String(suggestion.url || "");
      if ((suggestion.kind === "official" || suggestion.kind === "country") && /^\/(?!\/)/.test(url)) {
        window.location.assign(url); // a page of this site, never another scheme or host
        return;
      }
      // A word or phrase: searched like typed words, with the page's filters kept.
      input.value = suggestion.kind === "phrase" ? '"' + suggestion.text + '"' : String(suggestion.text);
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var typed = input.value.trim();
      if (typed.length < SUGGEST_MIN_CHARS || typed.length > SUGGEST_MAX_CHARS) {
        sent += 1; // any answer still on its way is stale now
        draw([]);
        return;
      }
      timer = setTimeout(function () {
        request(typed);
      }, SUGGEST_DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length) return;
        event.preventDefault();
        open();
        var step = event.key === "ArrowDown" ? 1 : -1;
        setActive(active < 0 && step < 0 ? items.length - 1 : (active + step + items.length) % items.length);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(active);
        }
        clearTimeout(timer);
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault(); // close the list; a second Escape clears the box as usual
          close();
        }
      }
    });

    input.addEventListener("blur", close);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-facet-filter]"), setUpFacetFilter);
  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), setUpSuggestions);
})();
