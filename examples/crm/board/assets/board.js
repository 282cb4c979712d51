// The board's one script: reload the page when the tenant's inquiries
// change (the server's update stream, GET /updates), unless a form on it
// is being filled in, when a notice offers the reload instead. Without
// it the board works the same, and a reload shows what changed.
(function () {
  "use strict";
  var url = document.body.getAttribute("data-updates");
  if (!url || !window.EventSource) {
    return;
  }
  var dirty = false;
  document.addEventListener("input", function () { dirty = true; });
  var opened = false;
  var stream = new EventSource(url);
  function changed() {
    if (dirty) {
      document.getElementById("stale").hidden = false;
      return;
    }
    stream.close();
    window.location.reload();
  }
  stream.addEventListener("open", function () {
    // After a reconnection, changes may have been missed.
    if (opened) {
      changed();
      return;
    }
    opened = true;
    document.body.setAttribute("data-live", "1");
  });
  stream.addEventListener("changed", changed);
  // What the tenant's changes counted ("hub:count") when the stream
  // began: more than when the page was made, by the same hub, means
  // changes the stream did not hear.
  var made = (document.body.getAttribute("data-changes") || "").split(":");
  stream.addEventListener("changes", function (e) {
    var now = String(e.data).split(":");
    if (made.length === 2 && now.length === 2 && now[0] === made[0] && Number(now[1]) > Number(made[1])) {
      changed();
    }
  });
})();
