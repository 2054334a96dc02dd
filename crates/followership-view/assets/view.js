/*
 * view.js: the live view's page. Builds the sliders from GET /api/scenario, asks POST /api/run
 * for a replay whenever a slider or the seed changes (debounced; an answer that a newer request
 * overtook is dropped), and animates it with people.js (window.FollowershipPeople), keeping the
 * current tick across re-runs. Errors from the server are shown in #error, with the slider they
 * are about outlined; a 503 with Retry-After (the server's queue of runs is full) is asked again.
 */
(function () {
  'use strict';

  const FP = window.FollowershipPeople;
  const $ = (id) => document.getElementById(id);
  // Slider moves within this many milliseconds make one run.
  const DEBOUNCE_MS = 150;

  let info = null;
  let player = null;
  const values = {};
  let pending = null; // the AbortController of the request in flight
  let timer = 0;
  let speed = 1;

  /** The JSON of a response, or an Error with the server's message (and `key`). */
  async function readJson(response) {
    const text = await response.text();
    let data;
    try {
      data = JSON.parse(text);
    } catch (_) {
      throw new Error('the server answered ' + response.status + ': ' + text.slice(0, 200));
    }
    if (!response.ok) {
      const error = new Error(data && data.error ? data.error : 'the server answered ' + response.status);
      error.key = data && data.key;
      throw error;
    }
    return data;
  }

  function showError(message, key) {
    const box = $('error');
    box.textContent = message;
    box.hidden = false;
    for (const el of document.querySelectorAll('[data-key]')) {
      el.classList.toggle('invalid', el.dataset.key === key);
    }
    if (key === 'seed') $('seed').classList.add('invalid');
  }

  function clearError() {
    const box = $('error');
    box.textContent = '';
    box.hidden = true;
    for (const el of document.querySelectorAll('.invalid')) el.classList.remove('invalid');
  }

  function setStatus(text) {
    $('status').textContent = text;
  }

  function format(slider, v) {
    if (slider.kind === 'toggle') return v ? 'on' : 'off';
    if (slider.integer) return String(Math.round(v));
    const decimals = Math.max(0, Math.min(6, Math.ceil(-Math.log10(slider.step) - 1e-9)));
    return Number(v).toFixed(decimals);
  }

  function buildSliders() {
    const form = $('sliders');
    form.textContent = '';
    info.sliders.forEach((s, i) => {
      const id = 'slider-' + i;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = s.name;
      label.title = s.description;
      const input = document.createElement('input');
      input.id = id;
      input.dataset.key = s.key;
      input.title = s.description + ' (' + s.key + ')';
      const output = document.createElement('output');
      output.htmlFor = id;
      output.id = id + '-value';
      if (s.kind === 'toggle') {
        input.type = 'checkbox';
        input.checked = s.value !== 0;
        values[s.key] = input.checked;
        input.addEventListener('change', () => {
          values[s.key] = input.checked;
          output.textContent = format(s, input.checked);
          schedule();
        });
        output.textContent = format(s, input.checked);
      } else {
        input.type = 'range';
        input.min = s.min;
        input.max = s.max;
        input.step = s.step;
        input.value = s.value;
        values[s.key] = s.value;
        input.addEventListener('input', () => {
          values[s.key] = Number(input.value);
          output.textContent = format(s, values[s.key]);
          schedule();
        });
        output.textContent = format(s, s.value);
      }
      form.append(label, input, output);
    });
  }

  function scenarioValues() {
    info.sliders.forEach((s, i) => {
      const input = $('slider-' + i);
      const output = $('slider-' + i + '-value');
      if (s.kind === 'toggle') {
        input.checked = s.value !== 0;
        values[s.key] = input.checked;
      } else {
        input.value = s.value;
        values[s.key] = s.value;
      }
      output.textContent = format(s, values[s.key]);
    });
  }

  function seedValue() {
    const text = $('seed').value.trim();
    if (text === '') return info.seed;
    const n = Number(text);
    // Anything that is not a number goes as typed, for the server to explain.
    return Number.isFinite(n) ? n : text;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  }

  function setSpeed() {
    if (player) player.ticksPerSecond = Math.max(10, player.settledTick / 12) * speed;
  }

  function onTick(tick) {
    $('tick').textContent = String(tick);
    if (player) {
      $('last-tick').textContent = String(player.lastTick);
      $('following').textContent = (player.timeline.following(tick) * 100).toFixed(1) + '%';
    }
  }

  async function run() {
    clearTimeout(timer);
    if (pending) pending.abort();
    const mine = new AbortController();
    pending = mine;
    setStatus('running…');
    try {
      let response;
      for (;;) {
        response = await fetch('/api/run', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ values, seed: seedValue() }),
          signal: mine.signal,
        });
        const retry = response.headers.get('Retry-After');
        if (response.status !== 503 || retry === null) break;
        // Too many runs wait on the server (other pages or scripts): say so, and ask again
        // when it says to, unless a newer request has taken this one's place meanwhile.
        setStatus('the server is busy; asking again…');
        await new Promise((resolve) => setTimeout(resolve, 1000 * Math.max(1, Number(retry) || 1)));
        if (pending !== mine) return;
      }
      const replay = await readJson(response);
      if (pending !== mine) return;
      if (player) {
        player.setReplay(replay, { keepTick: true });
      } else {
        player = FP.mount({
          replay,
          people: $('people'),
          curve: $('curve'),
          play: $('play'),
          tick: $('scrub'),
          legend: $('legend'),
          chapters: $('chapters'),
          caption: $('caption'),
          classroom: Boolean(info.classroom),
          onTick,
        });
      }
      setSpeed();
      onTick(player.tick);
      $('note').textContent = [replay.note].concat(replay.notes || []).filter(Boolean).join('; ');
      clearError();
      setStatus('');
    } catch (e) {
      if (e.name === 'AbortError') return;
      if (pending === mine) setStatus('');
      showError(e.message, e.key);
    }
  }

  async function start() {
    try {
      info = await readJson(await fetch('/api/scenario'));
    } catch (e) {
      showError('cannot read the scenario from the followership server: ' + e.message);
      return;
    }
    $('title').textContent = info.name;
    if (info.classroom) document.body.classList.add('classroom');
    $('summary').textContent = info.summary;
    $('description').textContent = info.description;
    document.title = info.name + ' · followership view';
    $('seed').value = String(info.seed);
    buildSliders();
    $('seed').addEventListener('change', run);
    $('new-seed').addEventListener('click', () => {
      $('seed').value = String(Math.floor(Math.random() * 2147483647));
      run();
    });
    $('defaults').addEventListener('click', () => {
      scenarioValues();
      $('seed').value = String(info.seed);
      run();
    });
    $('step').addEventListener('click', () => player && player.step(1));
    $('reset').addEventListener('click', () => player && player.reset());
    $('speed').addEventListener('change', () => {
      speed = Number($('speed').value) || 1;
      setSpeed();
    });
    // Space plays and pauses, unless typing in a field.
    document.addEventListener('keydown', (e) => {
      if (e.key !== ' ' || !player) return;
      const t = e.target && e.target.tagName;
      if (t === 'INPUT' || t === 'SELECT' || t === 'BUTTON' || t === 'TEXTAREA') return;
      e.preventDefault();
      player.toggle();
    });
    await run();
  }

  start();
})();
