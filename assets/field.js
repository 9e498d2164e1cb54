/* The field page (/field): steps and reports go to /field/api as JSON with an Idempotency-Key. Each is put
   in a queue kept in this phone's storage first and sent in order; without a connection the queue waits and
   is sent once the connection returns, so nothing is lost and, the keys being idempotent, nothing is applied
   twice. Photos are uploaded first (they need the connection). The phone's position goes with each step and
   to the page, which draws the way to the first task. New tasks sound and show a notice. */
(function () {
  var QUEUE = "cockpitFieldQueue";
  var here = null;
  var known = null;
  var sending = false;
  var chosen = {};  /* photos picked and notes typed per task: kept here, since the task list is redrawn */
  var notes = {};

  function page() { return document.querySelector(".page-field"); }
  function text(key) { return (window.cockpitText && window.cockpitText[key]) || key; }
  function queue() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function save(items) { window.localStorage.setItem(QUEUE, JSON.stringify(items)); }
  function csrf() {
    var match = document.cookie.match(/(?:^|; )_csrf_token=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function key() {
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  function say(message, bad) {
    var state = document.getElementById("field-state");
    if (!state) { return; }
    var waiting = queue().length;
    state.textContent = message + (waiting ? " · " + text("field_waiting").replace("{n}", waiting) : "");
    state.className = "field-state" + (bad ? " bad" : "");
  }
  function set(id, data) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, {data: data});
    }
  }

  function flush() {
    var items = queue();
    if (sending || !items.length) { return; }
    sending = true;
    var item = items[0];
    fetch(item.path, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf(), "Idempotency-Key": item.key},
      body: JSON.stringify(item.body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        save(queue().filter(function (other) { return other.key !== item.key; }));
        sending = false;
        if (response.ok) {
          say(text("field_sent"), false);
          set("field-sent", Date.now());
        } else {
          say(answer.message || answer.error || String(response.status), true);
        }
        flush();
      });
    }).catch(function () {
      sending = false;
      say(text("field_offline"), true);
    });
  }

  function upload(file) {
    var form = new FormData();
    form.append("photo", file);
    return fetch("/field/api/photos", {
      method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrf()}, body: form
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) { throw new Error(answer.message || answer.error); }
        return answer.photo.id;
      });
    });
  }

  function send(path, body, file) {
    var ready = file ? upload(file) : Promise.resolve(null);
    ready.then(function (photo) {
      if (photo) { body.photos = [photo]; }
      if (here) { body.lon = here.lon; body.lat = here.lat; }
      save(queue().concat([{path: path, key: key(), body: body}]));
      say(text("field_queued"), false);
      flush();
    }).catch(function (error) {
      say(error.message === "Failed to fetch" ? text("field_photo_offline") : error.message, true);
    });
  }

  document.addEventListener("input", function (event) {
    var card = event.target.closest && event.target.closest(".task-card");
    if (card && event.target.classList.contains("task-note")) { notes[card.getAttribute("data-case")] = event.target.value; }
  });

  function restore() {
    Array.prototype.forEach.call(document.querySelectorAll(".page-field .task-card"), function (card) {
      var note = card.querySelector(".task-note");
      var id = card.getAttribute("data-case");
      if (note && !note.value && notes[id]) { note.value = notes[id]; }
    });
  }

  document.addEventListener("change", function (event) {
    var card = event.target.closest && event.target.closest(".task-card");
    if (card && event.target.type === "file") { chosen[card.getAttribute("data-case")] = event.target.files[0]; }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".field-act");
    if (button && button.closest(".crew-card")) {
      send("/field/api/stages", {
        dispatch_id: Number(button.closest(".crew-card").getAttribute("data-dispatch")),
        stage: button.getAttribute("data-action")
      }, null);
      return;
    }
    if (button) {
      var card = button.closest(".task-card");
      var id = card.getAttribute("data-case");
      send("/field/api/actions", {
        case_id: Number(id),
        action: button.getAttribute("data-action"),
        note: card.querySelector(".task-note").value || notes[id] || ""
      }, button.getAttribute("data-action") === "handle" ? chosen[id] : null);
      return;
    }
    if (event.target.closest("#field-locate")) {
      say(text("field_locating"), false);
      here = null;
      locate();
      return;
    }
    if (event.target.closest("#field-report")) {
      var input = document.querySelector("#field-report-photo input");
      if (!here) { say(text("field_no_position"), true); return; }
      send("/field/api/reports", {
        category: document.getElementById("field-category").value,
        note: document.getElementById("field-report-note").value
      }, input && input.files[0]);
    }
  });

  /* Dash has no file input of its own: each photo slot gets one here (camera or gallery, the phone offers both). */
  function photoInputs() {
    Array.prototype.forEach.call(document.querySelectorAll(".page-field .task-photo"), function (slot) {
      if (slot.querySelector("input")) { return; }
      var input = document.createElement("input");
      input.type = "file";
      input.accept = "image/*";
      slot.appendChild(input);
    });
  }

  function watchTasks() {
    var list = document.getElementById("field-tasks");
    if (!list) { return; }
    var ids = Array.prototype.map.call(list.querySelectorAll(".task-card"), function (c) {
      return c.getAttribute("data-case") || "dispatch-" + c.getAttribute("data-dispatch");
    });
    if (known !== null && ids.some(function (id) { return known.indexOf(id) < 0; })) {
      say(text("field_new_task"), false);
      if (window.cockpitBeep) { window.cockpitBeep(); }
    }
    if (ids.length || list.querySelector(".field-empty")) { known = ids; }
  }

  function locate() {
    if (!page() || !navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (spot) {
      var moved = !here || Math.abs(here.lon - spot.coords.longitude) + Math.abs(here.lat - spot.coords.latitude) > 0.0002;
      here = {lon: spot.coords.longitude, lat: spot.coords.latitude};
      if (moved) { set("field-position", here); }
    }, function () { /* no position: the way starts at the worker's post */ }, {timeout: 5000, maximumAge: 20000});
  }

  window.addEventListener("online", flush);
  setInterval(function () {
    if (!page()) { return; }
    photoInputs();
    restore();
    watchTasks();
    flush();
  }, 1000);
  setInterval(locate, 15000);
  document.addEventListener("DOMContentLoaded", locate);
  setTimeout(locate, 1500);
})();
