/* Server push: one EventSource per page. New alarms and the live status land in the shell's stores,
   and every callback listening to them redraws. The browser reconnects by itself after a drop; when the
   session has ended the server says so and the page reloads into the sign-in form. */
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
      if (window.cockpitOnAlarmFeed) { window.cockpitOnAlarmFeed(feed); }
    });
    source.addEventListener("status", function (e) { put("live-status", JSON.parse(e.data)); });
    source.addEventListener("ended", function () {
      source.close();
      window.location.reload();  /* the session ended on the server: the sign-in form is what remains */
    });
  }
  setInterval(connect, 300);
})();

/* A new grave alarm (the server marks it `alert`) sounds and shows a notice on every open page, the wall too.
   What is already open when the page loads is only noted; the sound can be muted (kept in this browser). */
(function () {
  var seen = null;
  var audio = null;
  window.cockpitAlerts = 0;
  function muted() { return window.localStorage.getItem("cockpitMute") === "1"; }
  function drawMute() {
    var button = document.getElementById("alarm-mute");
    if (!button) { return; }
    var label = button.getAttribute(muted() ? "data-unmute" : "data-mute");
    if (button.textContent !== label) { button.textContent = label; }
    if (button.classList.contains("muted") !== muted()) { button.classList.toggle("muted", muted()); }
  }
  function beep() {
    if (muted()) { return; }
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") { audio.resume(); }
      [0, 0.3].forEach(function (start) {
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.frequency.value = 880;
        gain.gain.value = 0.2;
        tone.connect(gain);
        gain.connect(audio.destination);
        tone.start(audio.currentTime + start);
        tone.stop(audio.currentTime + start + 0.18);
      });
    } catch (e) { /* no audio device: the notice still shows */ }
  }
  window.cockpitBeep = beep;  /* the field page sounds its new tasks the same way */
  function show(alarm) {
    var notice = document.getElementById("alarm-notice");
    if (!notice) { return; }
    var english = document.documentElement.lang === "en" || document.querySelector(".shell.lang-en");
    var title = notice.getAttribute("data-title").replace("{severity}", notice.getAttribute("data-sev-" + alarm.severity));
    notice.textContent = title + " · " + alarm.device + " · " + (english ? alarm.rule_en : alarm.rule);
    notice.href = "/platform/iot?device=" + encodeURIComponent(alarm.code);
    notice.className = "alarm-notice sev-" + alarm.severity;
    clearTimeout(show.timer);
    show.timer = setTimeout(function () { notice.className = "alarm-notice hidden"; }, 15000);
  }
  window.cockpitOnAlarmFeed = function (feed) {
    var alerts = (feed.latest || []).filter(function (a) { return a.alert; });
    var keys = alerts.map(function (a) { return a.id + ":" + a.severity; });
    if (seen === null) { seen = {}; keys.forEach(function (k) { seen[k] = true; }); return; }
    var fresh = alerts.filter(function (a) { return !seen[a.id + ":" + a.severity]; });
    keys.forEach(function (k) { seen[k] = true; });
    if (fresh.length) {
      window.cockpitAlerts += fresh.length;
      show(fresh[0]);
      beep();
    }
  };
  document.addEventListener("click", function (e) {
    if (e.target && e.target.id === "alarm-mute") {
      window.localStorage.setItem("cockpitMute", muted() ? "0" : "1");
      drawMute();
    }
  });
  setInterval(drawMute, 1000);
})();
