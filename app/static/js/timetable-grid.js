/* Timetable grid (issue 20): each row is one "track" under its lessons rather than one link
   per empty slot. Clicking an empty spot of an addable track opens the add-a-lesson form at
   the slot under the pointer: the track's data-add-url (the row's link, at the day start)
   with start=HH:MM; hovering highlights that slot and names it in the title. Without this
   script each row head keeps its own "Add a lesson" link at the day start. */
(function () {
  "use strict";
  var grid = document.querySelector(".timetable-grid");
  if (!grid) { return; }
  var label = grid.getAttribute("data-add-label") || "";
  var current = null;

  function number(track, name, fallback) {
    var value = parseInt(track.getAttribute(name), 10);
    return isNaN(value) ? fallback : value;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* The slot under clientX: the track spans `count` columns `width + 1px` apart (1px gaps). */
  function slotAt(track, clientX) {
    var rect = track.getBoundingClientRect();
    var count = Math.max(1, number(track, "data-slots", 1));
    var index = Math.floor((clientX - rect.left) * count / (rect.width + 1));
    return Math.max(0, Math.min(count - 1, index));
  }

  function slotTime(track, index) {
    var parts = (track.getAttribute("data-day-start") || "00:00").split(":");
    var minutes = parseInt(parts[0], 10) * 60 + parseInt(parts[1], 10)
      + index * number(track, "data-slot-minutes", 30);
    return pad(Math.floor(minutes / 60) % 24) + ":" + pad(minutes % 60);
  }

  function addableTrack(target) {
    return target && target.classList && target.classList.contains("tt-addable") ? target : null;
  }

  function leave() {
    if (current) {
      current.classList.remove("tt-hovering");
      current.removeAttribute("title");
      current = null;
    }
  }

  grid.addEventListener("mousemove", function (event) {
    var track = addableTrack(event.target);
    if (track !== current) { leave(); }
    if (!track) { return; }
    current = track;
    var index = slotAt(track, event.clientX);
    track.style.setProperty("--tt-hover", index);
    track.classList.add("tt-hovering");
    track.setAttribute("title", label + " " + slotTime(track, index));
  });
  grid.addEventListener("mouseleave", leave);

  grid.addEventListener("click", function (event) {
    var track = addableTrack(event.target);
    if (!track || event.button !== 0) { return; }
    var url = new URL(track.getAttribute("data-add-url"), window.location.href);
    url.searchParams.set("start", slotTime(track, slotAt(track, event.clientX)));
    if (event.ctrlKey || event.metaKey || event.shiftKey) {
      window.open(url.pathname + url.search, "_blank");  /* as a link would */
    } else {
      window.location.assign(url.pathname + url.search);
    }
  });
})();
