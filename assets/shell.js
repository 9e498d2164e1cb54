/* Shell behaviour that must not cost a server round trip: the city clock (in the city's time zone, which the
   server puts on the element) and the active nav link. */
(function () {
  var formats = {};
  function format(zone) {
    if (!formats[zone]) {
      formats[zone] = new Intl.DateTimeFormat("sv-SE", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false
      });
    }
    return formats[zone];
  }
  function tick() {
    var el = document.getElementById("clock");
    if (el) {
      var text = format(el.getAttribute("data-tz") || "Asia/Shanghai").format(new Date());
      if (document.documentElement.classList.contains("wall-mode")) { text = text.slice(0, 16); }  /* minutes */
      if (el.textContent !== text) { el.textContent = text; }
    }
  }
  setInterval(tick, 250);  /* a quarter second: the clock appears as soon as Dash renders the header */
  document.addEventListener("DOMContentLoaded", tick);

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    shell: {
      activeNav: function (pathname, ids) {
        return ids.map(function (id) { return id.path === pathname ? "nav-link active" : "nav-link"; });
      },
      alarmCounter: function (feed) {
        if (!feed || !feed.open) { return [{display: "none"}, "", "alarm-counter"]; }
        var worst = 4;
        Object.keys(feed.by_severity).forEach(function (s) {
          if (feed.by_severity[s] > 0 && Number(s) < worst) { worst = Number(s); }
        });
        return [{}, String(feed.open), "alarm-counter sev-" + worst];
      },
      simClock: function (status) {
        if (!status || !status.sim_clock) { return [{display: "none"}, ""]; }
        return [{}, status.sim_clock.replace("T", " ") + " ×" + status.sim_rate];
      }
    }
  });
})();
