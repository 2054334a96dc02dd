/*
 * report.js: the replay section of report.html. Reads the replay JSON embedded in the page
 * (#replay-data) and mounts the shared player of people.js on the section's canvases and
 * controls. A replay that cannot be drawn says why in place of the canvas.
 */
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const data = $('replay-data');
  if (!data) return;
  try {
    const replay = JSON.parse(data.textContent);
    window.followershipReplay = window.FollowershipPeople.mount({
      replay,
      people: $('replay-people'),
      curve: $('replay-curve'),
      play: $('replay-play'),
      tick: $('replay-tick'),
      label: $('replay-tick-label'),
      legend: $('replay-legend'),
      chapters: $('replay-chapters'),
      caption: $('replay-caption'),
    });
  } catch (error) {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = 'The replay cannot be shown: ' + error.message;
    $('replay-people').replaceWith(note);
  }
})();
