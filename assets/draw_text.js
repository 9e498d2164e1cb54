/* Leaflet.draw's toolbar and tooltips in the viewer's language (texts from /vocab.js, the one i18n table). */
(function () {
  function apply() {
    var text = window.cockpitText;
    if (!text || !window.L || !L.drawLocal) { return false; }
    var draw = L.drawLocal.draw, edit = L.drawLocal.edit;
    draw.toolbar.buttons.polygon = text["draw.polygon"];
    draw.toolbar.buttons.rectangle = text["draw.rectangle"];
    draw.toolbar.actions = {title: text["draw.cancel_title"], text: text["draw.cancel"]};
    draw.toolbar.finish = {title: text["draw.finish_title"], text: text["draw.finish"]};
    draw.toolbar.undo = {title: text["draw.undo_title"], text: text["draw.undo"]};
    draw.handlers.polygon.tooltip = {start: text["draw.polygon_start"], cont: text["draw.polygon_cont"],
                                     end: text["draw.polygon_end"]};
    draw.handlers.rectangle.tooltip.start = text["draw.rectangle_start"];
    draw.handlers.simpleshape.tooltip.end = text["draw.release"];
    edit.toolbar.buttons.remove = text["draw.remove"];
    edit.toolbar.buttons.removeDisabled = text["draw.remove_none"];
    edit.toolbar.actions.save = {title: text["draw.save"], text: text["draw.save"]};
    edit.toolbar.actions.cancel = {title: text["draw.cancel_title"], text: text["draw.cancel"]};
    edit.toolbar.actions.clearAll = {title: text["draw.clear_all"], text: text["draw.clear_all"]};
    edit.handlers.remove.tooltip.text = text["draw.remove_tip"];
    /* a toolbar drawn before this ran keeps its first titles: set them on it too */
    var titles = {".leaflet-draw-draw-polygon": "draw.polygon", ".leaflet-draw-draw-rectangle": "draw.rectangle",
                  ".leaflet-draw-edit-remove": "draw.remove_none"};
    var found = 0;
    Object.keys(titles).forEach(function (selector) {
      Array.prototype.forEach.call(document.querySelectorAll(selector), function (a) {
        a.title = text[titles[selector]];
        var label = a.querySelector(".sr-only");
        if (label) { label.textContent = a.title; }
        found++;
      });
    });
    return found > 0;
  }
  var left = 150;  /* 30 s: the draw toolbar exists only on pages that draw */
  var tries = setInterval(function () { if (apply() || --left <= 0) { clearInterval(tries); } }, 200);
})();
