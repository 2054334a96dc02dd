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
// The replays of a comparison: one player per variant, without pacing, driven in step by one
// play button and one slider (each variant stays at its last tick once it has ended).
(function () {
  'use strict';
  const FP = window.FollowershipPeople;
  const data = document.querySelectorAll('script.compare-data');
  if (data.length === 0 || !FP) return;
  const $ = (id) => document.getElementById(id);
  const players = [];
  for (const script of data) {
    const k = script.dataset.index;
    try {
      players.push(FP.mount({
        replay: JSON.parse(script.textContent),
        people: $('compare-people-' + k),
        curve: $('compare-curve-' + k),
        label: $('compare-label-' + k),
        caption: $('compare-caption-' + k),
        pacing: false,
      }));
    } catch (error) {
      const note = document.createElement('p');
      note.className = 'note';
      note.textContent = 'This replay cannot be shown: ' + error.message;
      $('compare-people-' + k).replaceWith(note);
    }
  }
  if (players.length === 0) return;
  const last = Math.max(...players.map((p) => p.lastTick));
  const end = Math.max(...players.map((p) => p.settledTick));
  const slider = $('compare-tick');
  const button = $('compare-play');
  const label = $('compare-tick-label');
  slider.max = String(last);
  let tick = 0;
  let playing = false;
  let carry = 0;
  let before = null;
  let stopAt = end;
  const speed = Math.max(10, end / 12);
  const show = (t) => {
    tick = Math.max(0, Math.min(last, Math.round(t)));
    for (const p of players) p.seek(Math.min(tick, p.lastTick));
    slider.value = String(tick);
    label.textContent = 'tick ' + tick + ' of ' + last;
  };
  const frame = (now) => {
    if (!playing) return;
    if (before !== null) carry += (Math.min(250, now - before) / 1000) * speed;
    before = now;
    const whole = Math.floor(carry);
    if (whole > 0) {
      carry -= whole;
      show(tick + whole);
    }
    if (tick >= stopAt) {
      playing = false;
      button.textContent = 'Play';
      return;
    }
    requestAnimationFrame(frame);
  };
  button.addEventListener('click', () => {
    playing = !playing;
    button.textContent = playing ? 'Pause' : 'Play';
    if (playing) {
      if (tick >= last) show(0);
      // Stop where the variants have all settled; from there, play on to the end.
      stopAt = tick < end ? end : last;
      carry = 0;
      before = null;
      requestAnimationFrame(frame);
    }
  });
  slider.addEventListener('input', () => {
    playing = false;
    button.textContent = 'Play';
    show(Number(slider.value));
  });
  window.followershipCompare = { players, show, get tick() { return tick; } };
  show(0);
})();
