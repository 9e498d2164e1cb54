/* Video-wall mode (/wall redirects to /?wall=N): no navigation, no scrolling, no pointer, and every N seconds
   the next scenario this account may see (the header's own links, so the role decides). Each turn is a fresh
   page load, so nothing builds up on a wall that runs for days. The next page is asked first: if it does not
   answer, the wall stays where it is (its alarms keep arriving by push) and tries again a turn later. */
(function () {
  var seconds = parseInt(new URLSearchParams(window.location.search).get("wall"), 10);
  if (!(seconds >= 5 && seconds <= 600)) { return; }
  document.documentElement.classList.add("wall-mode");
  var started = Date.now();
  var asking = false;
  var progressStarted = false;

  /* The rotation is the pages that declare a wall view and this account may see (the page contract puts
     their paths on the header's wall bar); their names are the navigation's. */
  function scenarios() {
    var bar = document.getElementById("wall-bar");
    var paths = bar ? (bar.getAttribute("data-wall") || "").split(" ").filter(Boolean) : [];
    return paths.map(function (path) {
      var link = document.querySelector('.shell-nav a.nav-link[href="' + path + '"]');
      return {path: path, name: link ? link.textContent : path};
    });
  }

  function turn() {
    var list = scenarios();
    if (!list.length) { return; }  /* the header is not drawn yet */
    var here = list.map(function (s) { return s.path; }).indexOf(window.location.pathname);
    var next = list[(here + 1) % list.length];
    var elapsed = Date.now() - started;
    var label = document.getElementById("wall-next");
    if (label.textContent !== next.name) { label.textContent = next.name; }
    if (!progressStarted) {  /* one compositor animation, not a re-layout every tick */
      var bar = document.getElementById("wall-progress");
      bar.style.animationDuration = seconds + "s";
      bar.classList.add("running");
      progressStarted = true;
    }
    if (elapsed < seconds * 1000 || asking) { return; }
    asking = true;
    fetch(next.path, {credentials: "same-origin", redirect: "manual"}).then(function (answer) {
      if (answer.ok) {
        window.location.assign(next.path + "?wall=" + seconds);
      } else {
        again();
      }
    }, again);
  }

  function again() {  /* the next page did not answer: stay, and try again a turn later */
    started = Date.now();
    asking = false;
    var bar = document.getElementById("wall-progress");
    bar.classList.remove("running");
    void bar.offsetWidth;
    bar.classList.add("running");
  }

  setInterval(turn, 500);
})();
