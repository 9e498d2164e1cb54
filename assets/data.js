/* The import wizard of /platform/data: the chosen file goes to /platform/data/upload as a form with the
   session's CSRF header (a file is too large for a Dash callback); the answer's version id is handed to the
   page, whose callback then follows the import's progress. Dash has no file input of its own (dcc.Upload
   reads the whole file into the page as base64), so the plain one is put into the page's file slot here. */
(function () {
  function text(key) { return (window.cockpitText && window.cockpitText[key]) || key; }
  function csrf() {
    var match = document.cookie.match(/(?:^|; )_csrf_token=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function value(id) {
    var element = document.getElementById(id);
    return element ? element.value : "";
  }
  function say(message, bad) {
    var state = document.getElementById("data-import-state");
    if (state) {
      state.textContent = message;
      state.className = "import-state" + (bad ? " bad" : "");
    }
  }

  function upload() {
    var input = document.querySelector("#data-import-file input");
    var file = input && input.files && input.files[0];
    if (!file || !value("data-import-name") || !value("data-import-department")) {
      say(text("data_pick_file"), true);
      return;
    }
    var form = new FormData();
    form.append("file", file, file.name);
    form.append("dataset", value("data-import-name"));
    form.append("department", value("data-import-department"));
    form.append("title", value("data-import-title"));
    form.append("crs", value("data-import-crs"));
    form.append("encoding", value("data-import-encoding"));
    form.append("sharing", value("data-import-sharing"));
    form.append("frequency", value("data-import-frequency"));
    say(text("data_uploading"), false);
    fetch("/platform/data/upload", {
      method: "POST", body: form, credentials: "same-origin", headers: {"X-CSRFToken": csrf()}
    }).then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    }).then(function (answer) {
      if (!answer.ok) {
        say(answer.body.message || answer.body.error || "error", true);
        return;
      }
      if (window.dash_clientside && window.dash_clientside.set_props) {
        window.dash_clientside.set_props("data-import-version", {data: answer.body.version_id});
      }
    }).catch(function (error) { say(String(error), true); });
  }

  function slot() {
    var box = document.getElementById("data-import-file");
    if (box && !box.querySelector("input")) {
      var input = document.createElement("input");
      input.type = "file";
      input.name = "file";
      box.appendChild(input);
    }
  }
  new MutationObserver(slot).observe(document.documentElement, {childList: true, subtree: true});

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#data-import-start");
    if (button) {
      event.preventDefault();
      upload();
    }
  });
})();
