/* Shell behaviour that must not cost a server round trip: the Beijing clock and the active nav link. */
(function () {
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var el = document.getElementById("clock");
    if (el) {
      var now = new Date(Date.now() + 8 * 3600 * 1000);
      el.textContent = now.getUTCFullYear() + "-" + pad(now.getUTCMonth() + 1) + "-" + pad(now.getUTCDate()) +
        " " + pad(now.getUTCHours()) + ":" + pad(now.getUTCMinutes()) + ":" + pad(now.getUTCSeconds());
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
