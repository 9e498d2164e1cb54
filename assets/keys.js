/* Keyboard for the duty officer. `?` shows the list, `/` goes to the page's search, `n` / `p` move through the
   queue (alarms, cases, incidents), `a` acknowledges the alarm in focus, `d` dispatches the run card after a
   confirmation, Esc closes the list. Keys typed into a field stay in the field. Tabs take focus and open
   with Enter or Space. */
(function () {
  var QUEUE = ".alarm-item, .case-item, .incident-item";

  function typing(target) {
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function visible(el) { return el.offsetParent !== null; }

  function move(step) {
    var items = Array.prototype.filter.call(document.querySelectorAll(QUEUE), visible);
    if (!items.length) { return; }
    var here = items.indexOf(document.activeElement && document.activeElement.closest(QUEUE));
    var next = items[(here + step + items.length) % items.length];
    next.focus();
    next.scrollIntoView({block: "nearest"});
  }

  function help(show) {
    var box = document.getElementById("shortcut-help");
    if (box) { box.classList.toggle("hidden", show === undefined ? !box.classList.contains("hidden") : !show); }
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (e.key === "Escape") { help(false); return; }
    if (typing(e.target)) { return; }
    var target = e.target.closest ? e.target : document.body;
    if ((e.key === "Enter" || e.key === " ") && target.classList && target.classList.contains("tab")) {
      e.preventDefault();
      target.click();
      return;
    }
    var handled = true;
    if (e.key === "?") {
      help();
    } else if (e.key === "/") {
      var field = Array.prototype.filter.call(document.querySelectorAll(".shell-main .search input"), visible)[0];
      if (field) { field.focus(); } else { handled = false; }
    } else if (e.key === "n" || e.key === "j") {
      move(1);
    } else if (e.key === "p" || e.key === "k") {
      move(-1);
    } else if (e.key === "a") {
      var item = document.activeElement && document.activeElement.closest(".alarm-item");
      var ack = item && item.querySelector("[data-key='a']");
      if (ack) { ack.click(); } else { handled = false; }
    } else if (e.key === "d") {
      var dispatch = document.querySelector("[data-key='d']");
      if (dispatch && visible(dispatch) && window.confirm(dispatch.getAttribute("data-confirm"))) { dispatch.click(); }
      handled = Boolean(dispatch);
    } else {
      handled = false;
    }
    if (handled) { e.preventDefault(); }
  });

  /* dcc.Tabs draws its tabs as plain divs: make each one reachable by Tab. */
  function focusableTabs(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(".tab:not([tabindex])"), function (tab) {
      tab.setAttribute("tabindex", "0");
      tab.setAttribute("role", "tab");
    });
  }
  new MutationObserver(function (changes) {
    for (var i = 0; i < changes.length; i++) {
      if (changes[i].addedNodes.length) { focusableTabs(); return; }
    }
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
