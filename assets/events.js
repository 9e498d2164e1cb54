/* Server push: one EventSource per page. New alarms and the live status land in the shell's stores,
   and every callback listening to them redraws. The browser reconnects by itself after a drop. */
(function () {
  var source = null;
  function put(id, data) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, {data: data});
    }
  }
  function connect() {
    if (source || !document.querySelector(".shell-header")) { return; }
    source = new EventSource("/events");
    source.addEventListener("alarms", function (e) {
      var feed = JSON.parse(e.data);
      feed.received = Date.now();
      window.cockpitLastAlarmFeed = feed;
      put("alarm-feed", feed);
    });
    source.addEventListener("status", function (e) { put("live-status", JSON.parse(e.data)); });
  }
  setInterval(connect, 300);
})();
