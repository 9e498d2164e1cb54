/* A file larger than an upload box takes is dropped by the box without a word (dcc.Upload's max_size): say so
   on the panel's message line, through Dash so the page keeps owning it. */
(function () {
  var MOST = 700000;  /* bytes: pages/planning_tools.UPLOAD_MOST and the construction page's box */
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.closest(".upload-box")) { return; }
    var file = input.files && input.files[0];
    var panel = input.closest(".panel");
    var line = panel && panel.querySelector(".msg[id]");
    var set = window.dash_clientside && window.dash_clientside.set_props;
    if (!file || file.size <= MOST || !line || !set) { return; }
    set(line.id, {children: (window.cockpitText || {})["upload.too_big"]});
  }, true);
})();
