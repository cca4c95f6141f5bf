/* The field view's quick entry, for phones that lose the signal.

   Without this script the entry form posts to /visits/new/ and works as any
   form. With it:

   - Tapping "走访" on today's list opens the entry in place (no page load, so
     it works with no signal once the list is loaded).
   - Each entry gets a client-made id (crypto.randomUUID) and is first put in
     an outbox in localStorage, then sent as JSON to the API. The server records
     an id once, so sending again after a lost answer records nothing twice.
   - When the phone is offline or the request fails, the entry stays in the
     outbox (shown on the page) and is sent when the 'online' event fires, when
     a visit page is opened again, or every 30 seconds while any wait.
   - A 409 (the household changed since the list was loaded) is shown with what
     changed; the worker chooses "仍然提交" (send again with the new version) or
     "放弃". A 422 is shown for correcting. Nothing is overwritten silently.
   - Photos of a need turned into a case go up after the visit is recorded,
     through the case's photo endpoint; an entry kept offline keeps no photos
     (localStorage holds text only), and the worker is told so. */
(function () {
  "use strict";

  var OUTBOX = "wangge.visits.outbox";
  var FLASH = "wangge.visits.flash";
  var RETRY_MS = 30000;

  var form = document.querySelector("form[data-entry]");
  if (!form) { return; }
  var panel = document.querySelector("[data-entry-panel]");
  var outbox = document.querySelector("[data-outbox]");
  var outboxList = document.querySelector("[data-outbox-list]");
  var flashBox = document.querySelector("[data-flash]");
  var errorsBox = form.querySelector("[data-entry-errors]");
  var texts = (document.querySelector("[data-texts]") || {dataset: {}}).dataset;
  var sending = false;

  // --- small helpers -------------------------------------------------------------
  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    // crypto.randomUUID needs a secure context (https); plain http still has getRandomValues.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function field(name) { return form.elements.namedItem(name); }

  function csrfToken() { return field("csrfmiddlewaretoken").value; }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function flash(message, kind) {
    if (!flashBox) { return; }
    flashBox.textContent = message;
    flashBox.className = "notice notice-" + (kind || "success");
    flashBox.hidden = false;
  }

  function flashCarried() {
    var carried = sessionStorage.getItem(FLASH);
    if (!carried || !panel) { return; }
    sessionStorage.removeItem(FLASH);
    var parts = JSON.parse(carried);
    flash(parts[0], parts[1]);
  }

  // --- the outbox in localStorage -----------------------------------------------------
  function load() {
    try { return JSON.parse(localStorage.getItem(OUTBOX)) || []; } catch (e) { return []; }
  }

  function store(entries) {
    localStorage.setItem(OUTBOX, JSON.stringify(entries));
    render();
  }

  function update(clientId, change) {
    store(load().map(function (entry) {
      return entry.payload.client_id === clientId ? Object.assign(entry, change) : entry;
    }));
  }

  function remove(clientId) {
    store(load().filter(function (entry) { return entry.payload.client_id !== clientId; }));
  }

  // --- reading the form ------------------------------------------------------------------
  function payload() {
    var data = {
      client_id: field("client_id").value,
      kind: (form.querySelector("input[name=kind]:checked") || {}).value || "",
      met: field("met").value,
      summary: field("summary").value,
      visited_at: new Date().toISOString(),
      needs: []
    };
    if (field("household").value) {
      data.household = Number(field("household").value);
      data.household_version = field("household_version").value;
    } else if (field("building").value) {
      data.building = Number(field("building").value);
    }
    if (field("lat").value && field("lng").value) {
      data.lat = Number(field("lat").value);
      data.lng = Number(field("lng").value);
    }
    form.querySelectorAll("[data-need]").forEach(function (row) {
      var text = row.querySelector("textarea").value.trim();
      var outcome = (row.querySelector("input[type=radio]:checked") || {}).value || "";
      if (!text && !outcome) { return; }
      data.needs.push({
        text: text,
        solved_on_spot: outcome === "solved",
        raise_case: outcome === "case",
        category: row.querySelector("select").value
      });
    });
    return data;
  }

  // Files of each need that was kept (same order as payload().needs).
  function photos() {
    var kept = [];
    form.querySelectorAll("[data-need]").forEach(function (row) {
      var text = row.querySelector("textarea").value.trim();
      var outcome = (row.querySelector("input[type=radio]:checked") || {}).value || "";
      if (!text && !outcome) { return; }
      kept.push(Array.prototype.slice.call(row.querySelector("input[type=file]").files));
    });
    return kept;
  }

  function hasPhotos(files) {
    return files.some(function (list) { return list.length > 0; });
  }

  function resetForm() {
    form.reset();
    field("client_id").value = newId();
    field("lat").value = field("lng").value = "";
    showErrors([]);
  }

  function showErrors(lines) {
    if (!errorsBox) { return; }
    errorsBox.replaceChildren.apply(errorsBox, lines.map(function (line) { return el("p", "", line); }));
    errorsBox.hidden = lines.length === 0;
  }

  function errorLines(body) {
    var detail = body && body.detail;
    if (!Array.isArray(detail)) { return [String(detail || "")]; }
    return detail.map(function (e) {
      var match = /^needs\.(\d+)\./.exec(e.field || "");
      return (match ? "#" + (Number(match[1]) + 1) + " " : "") + e.message;
    });
  }

  // --- sending --------------------------------------------------------------------------------
  function post(url, body, headers) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: Object.assign({"X-CSRFToken": csrfToken()}, headers || {})
    });
  }

  // Resolves to the outcome of one attempt: recorded, conflict, invalid, login, or offline.
  function send(entry) {
    if (!navigator.onLine) { return Promise.resolve({state: "offline"}); }
    return post(form.dataset.api, JSON.stringify(entry.payload), {"Content-Type": "application/json"})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.status === 200 || response.status === 201) {
            return {state: "recorded", created: response.status === 201, visit: body};
          }
          if (response.status === 409) { return {state: "conflict", conflict: body}; }
          if (response.status === 422) { return {state: "invalid", errors: errorLines(body)}; }
          if (response.status === 401 || response.status === 403) { return {state: "login"}; }
          return {state: "offline"};  // a server error: try again later
        });
      }, function () { return {state: "offline"}; });
  }

  function recorded(visit, created, files) {
    var cases = visit.needs.filter(function (n) { return n.case; }).map(function (n) { return n.case; });
    var message = created ? texts.recorded + "：" + visit.place.label : texts.already;
    if (cases.length) { message += "；" + texts.raised + " " + cases.join("、"); }
    flash(message, created ? "success" : "info");
    markVisited(visit);
    if (files && hasPhotos(files)) { uploadPhotos(visit, files); }
  }

  function uploadPhotos(visit, files) {
    visit.needs.forEach(function (need, index) {
      if (!need.case || !files[index] || !files[index].length) { return; }
      var body = new FormData();
      files[index].forEach(function (file) { body.append("files", file); });
      post("/api/v1/cases/" + encodeURIComponent(need.case) + "/photos", body).then(function (response) {
        if (!response.ok) { flash(texts.photosFailed + "（" + need.case + "）", "error"); }
      }, function () { flash(texts.photosFailed + "（" + need.case + "）", "error"); });
    });
  }

  // The household just visited moves on: its new version, and "今天已访".
  function markVisited(visit) {
    if (!visit.place || !visit.place.household) { return; }
    var item = document.querySelector('[data-household="' + visit.place.household + '"]');
    if (!item) { return; }
    if (visit.household_version) { item.dataset.version = visit.household_version; }
    item.classList.add("visited-now");
    // The visit meets every care visit due at this household.
    item.classList.remove("has-care");
    item.querySelectorAll(".care-badges").forEach(function (badges) { badges.remove(); });
    var last = item.querySelector("[data-last]");
    if (last) { last.textContent = texts.visitedToday; }
  }

  function settle(entry, result, files) {
    var id = entry.payload.client_id;
    if (result.state === "recorded") {
      remove(id);
      recorded(result.visit, result.created, files);
    } else if (result.state === "conflict") {
      update(id, {state: "conflict", conflict: result.conflict});
    } else if (result.state === "invalid") {
      update(id, {state: "invalid", errors: result.errors});
    } else {
      update(id, {state: result.state === "login" ? "login" : "pending"});
    }
    return result;
  }

  // Send every waiting entry, one at a time, stopping at the first that cannot go.
  function flush() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    var waiting = load().filter(function (e) { return e.state === "pending" || e.state === "login"; });
    var chain = Promise.resolve(true);
    waiting.forEach(function (entry) {
      chain = chain.then(function (goOn) {
        if (!goOn) { return false; }
        return send(entry).then(function (result) {
          settle(entry, result);
          return result.state !== "offline" && result.state !== "login";
        });
      });
    });
    return chain.then(function () { sending = false; }, function () { sending = false; });
  }

  // --- the outbox on the page ---------------------------------------------------------------------
  function render() {
    if (!outbox) { return; }
    var entries = load();
    outbox.hidden = entries.length === 0;
    outboxList.replaceChildren.apply(outboxList, entries.map(entryItem));
  }

  function entryItem(entry) {
    var item = el("li", "outbox-" + entry.state);
    var when = new Date(entry.payload.visited_at);
    item.appendChild(el("strong", "", entry.label || ""));
    item.appendChild(el("span", "outbox-time muted small", " " + when.toLocaleString()));
    var state = {pending: texts.pending, login: texts.login, conflict: texts.conflict, invalid: texts.invalid}[entry.state];
    item.appendChild(el("span", "outbox-state", state || ""));
    if (entry.state === "conflict") { item.appendChild(conflictDetails(entry.conflict)); }
    if (entry.state === "invalid") {
      var list = el("ul");
      (entry.errors || []).forEach(function (line) { list.appendChild(el("li", "", line)); });
      item.appendChild(list);
    }
    var actions = el("div", "outbox-actions");
    if (entry.state === "conflict") {
      actions.appendChild(button(texts.sendAnyway, "", function () {
        entry.payload.household_version = entry.conflict.version;
        update(entry.payload.client_id, {state: "pending", payload: entry.payload, conflict: null});
        flush();
      }));
    }
    if (entry.state === "invalid" && panel) {
      actions.appendChild(button(texts.edit, "", function () { edit(entry); }));
    }
    if (entry.state === "conflict" || entry.state === "invalid") {
      actions.appendChild(button(texts.discard, "button-secondary", function () { remove(entry.payload.client_id); }));
    }
    if (actions.children.length) { item.appendChild(actions); }
    return item;
  }

  function conflictDetails(conflict) {
    var list = el("ul");
    var household = (conflict && conflict.household) || {};
    (household.visits_since || []).forEach(function (visit) {
      var line = new Date(visit.visited_at).toLocaleString() + " " + visit.recorded_by + " " + visit.kind_name;
      if (visit.summary) { line += "：" + visit.summary; }
      visit.needs.forEach(function (need) {
        line += "；" + need.text + (need.case ? "（" + need.case + "）" : "");
      });
      list.appendChild(el("li", "", line));
    });
    if (household.residents) {
      list.appendChild(el("li", "", texts.residents + "：" + household.residents.join("、")));
    }
    return list;
  }

  function button(label, className, onClick) {
    var node = el("button", className, label);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  // An entry the server refused goes back into the form, to be corrected and sent again.
  function edit(entry) {
    remove(entry.payload.client_id);
    var p = entry.payload;
    open(p.household || "", p.household_version || "", entry.label);
    field("client_id").value = p.client_id;
    field("met").value = p.met || "";
    field("summary").value = p.summary || "";
    var kind = form.querySelector('input[name=kind][value="' + p.kind + '"]');
    if (kind) { kind.checked = true; }
    var rows = form.querySelectorAll("[data-need]");
    p.needs.forEach(function (need, index) {
      var row = rows[index] || addNeedRow();
      row.querySelector("textarea").value = need.text;
      var outcome = need.raise_case ? "case" : (need.solved_on_spot ? "solved" : "");
      var radio = row.querySelector('input[type=radio][value="' + outcome + '"]');
      if (radio) { radio.checked = true; }
      row.querySelector("select").value = need.category || "";
    });
    showErrors(entry.errors || []);
  }

  // --- the form on the page -------------------------------------------------------------------------
  var needTemplate = form.querySelector("template[data-need-template]");
  var needList = form.querySelector("[data-needs]");
  var addNeed = form.querySelector("[data-add-need]");

  function addNeedRow() {
    var index = needList.querySelectorAll("[data-need]").length;
    var holder = document.createElement("div");
    holder.innerHTML = needTemplate.innerHTML.replace(/__i__/g, String(index + 100));
    var row = holder.firstElementChild;
    needList.appendChild(row);
    return row;
  }

  if (addNeed && needTemplate) {
    addNeed.hidden = false;
    addNeed.addEventListener("click", function () { addNeedRow().querySelector("textarea").focus(); });
  }

  var locate = form.querySelector("[data-locate]");
  var locateStatus = form.querySelector("[data-locate-status]");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        field("lat").value = position.coords.latitude.toFixed(6);
        field("lng").value = position.coords.longitude.toFixed(6);
        locateStatus.textContent = texts.located;
      }, function () {
        locateStatus.textContent = texts.locateFailed;
      }, {timeout: 8000, maximumAge: 60000});
    });
  }

  function open(householdId, version, label) {
    if (!panel) { return; }
    resetForm();
    field("household").value = householdId;
    field("household_version").value = version;
    panel.querySelector("[data-entry-title]").textContent = label;
    panel.hidden = false;
    panel.scrollIntoView({block: "start"});
  }

  function close() {
    if (panel) { panel.hidden = true; }
  }

  document.querySelectorAll("[data-start]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!panel) { return; }
      event.preventDefault();
      var item = link.closest("[data-household]");
      open(item.dataset.household, item.dataset.version, item.dataset.address);
    });
  });
  var closeButton = document.querySelector("[data-entry-close]");
  if (closeButton) { closeButton.addEventListener("click", close); }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var entry = {
      payload: payload(),
      label: panel ? panel.querySelector("[data-entry-title]").textContent : form.dataset.label,
      state: "pending"
    };
    var files = photos();
    // Kept first, so that nothing typed is lost whatever happens next.
    store(load().concat([entry]));
    send(entry).then(function (result) {
      if (result.state === "invalid") {
        // The worker is still at the form: correct it there.
        remove(entry.payload.client_id);
        showErrors(result.errors);
        return;
      }
      settle(entry, result, files);
      resetForm();
      if (result.state === "offline") {
        flash(texts.savedOffline + (hasPhotos(files) ? "；" + texts.noPhotos : ""), "info");
      }
      if (panel) {
        close();
      } else if (result.state === "recorded") {
        // A page of its own moves on to today's list, and the message goes along.
        sessionStorage.setItem(FLASH, JSON.stringify([flashBox.textContent, flashBox.className.replace("notice notice-", "")]));
        window.location.assign(form.dataset.done);
      }
    });
  });

  window.addEventListener("online", flush);
  setInterval(function () {
    if (load().some(function (e) { return e.state === "pending"; })) { flush(); }
  }, RETRY_MS);
  render();
  flashCarried();
  flush();
}());
