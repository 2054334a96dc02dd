/*
 * people.js: draws the replay of one followership run. Plain JavaScript, no build step, no
 * dependencies, nothing fetched. Shared by report.html and the live view (`followership view`).
 *
 * Load it with a <script> tag (or inline it); it defines `window.FollowershipPeople`.
 *
 * ## The quick way: mount a player
 *
 *   const FP = window.FollowershipPeople;
 *   const player = FP.mount({
 *     replay,            // the replay JSON (below), already parsed
 *     people,            // <canvas>: the people (required)
 *     curve,             // <canvas>: the adoption curve with a moving tick marker (optional)
 *     play,              // <button>: play / pause; its text becomes "Play" or "Pause" (optional)
 *     tick,              // <input type="range">: shows and sets the tick (optional)
 *     label,             // element: its text becomes "tick 120 of 1000 · 34.5% following" (optional)
 *     legend,            // element: filled with a colour key (optional)
 *     ticksPerSecond,    // playing speed (default: the run up to its settled tick in about
 *                        // 12 s, at least 10 ticks/s)
 *     chapters,          // element: filled with a button per chapter (optional)
 *     caption,           // element: its text becomes the caption of the latest chapter (optional)
 *     pacing,            // slow down around chapters, pause at each, stop once settled
 *                        // (default true)
 *     classroom,         // larger people, for a projector (default false)
 *     onTick,            // function (tick) called whenever the shown tick changes (optional)
 *   });
 *
 * It draws tick 0 at once. `FP.mount` throws an Error with a readable message when the replay
 * is not one it can draw (see `FP.check`).
 *
 * A player has: `play()`, `pause()`, `toggle()`, `step(n = 1)` (pauses, moves n ticks),
 * `reset()` (pauses, back to tick 0), `seek(tick)`, `setReplay(replay, { keepTick })` (a new
 * run, e.g. after a slider moved: keeps the current tick when `keepTick` is true), `redraw()`
 * (after the canvases were resized), `destroy()`, and the read-only properties `tick`,
 * `lastTick`, `playing`, `replay`; `ticksPerSecond` can be set at any time, and `chapter(k)`
 * (pauses, seeks to the k-th chapter). Playing stops at the settled tick (where nothing changes
 * any more worth watching), or past it at the last tick; play again at the last tick starts
 * from tick 0. With pacing, play runs at a sixth of its speed (at least 4 ticks/s) near each
 * chapter and holds each chapter's tick for a second.
 *
 * ## The parts
 *
 *   new FP.Timeline(replay)    per-person state at any tick, rebuilt from the change list:
 *       .seek(tick) -> Uint8Array of FP.STATE values, one per person shown (moving forward
 *                      applies only the changes in between; moving back rebuilds from tick 0)
 *       .trustAt(tick) -> Uint8Array of trust 0..255 per sampled person, or null
 *       .following(tick) -> fraction of the whole crowd following (from the curve)
 *       .tick, .lastTick
 *   new FP.PeopleView(canvas)  .draw(replay, states, trust); ties are drawn once into a
 *                              cached layer, people in one path per colour
 *   new FP.CurveView(canvas)   .draw(replay, tick); the curve is drawn once into a cached
 *                              layer, the marker every time
 *   FP.legend(element, replay) fills element with the colour key
 *   FP.check(replay) -> null, or a sentence saying what is wrong with it
 *   FP.STATE = { SITTING: 0, FOLLOWING: 1, LEADER: 2, QUIT: 3, LEFT: 4 }
 *   FP.STATE_NAMES, FP.COLORS (CSS colours by state, and `trustLow`)
 *
 * ## The replay JSON (followership_report::replay::Replay, format 1)
 *
 * People are named by their index among the people shown, 0 .. shown - 1.
 *
 *   format            1
 *   nodes             people in the network
 *   crowd             people who are not leaders (the curve's denominator)
 *   stride, sampled   index i < sampled is the network's person i * stride
 *   extra_ids         network ids of people shown beyond the sample (leaders it missed)
 *   shown             sampled + extra_ids.length
 *   positions         [x0, y0, x1, y1, ...] in [0, 1], y downwards
 *   layout            "network" (the network's own positions) or "force" (computed)
 *   edges             [a0, b0, a1, b1, ...] ties among the people shown (capped)
 *   edges_among_shown how many ties there are before the cap
 *   directed          whether ties have a direction
 *   blocks            the block of each person shown (levels, departments), or absent: each
 *                     block's region is tinted and named under the people (optional)
 *   leaders           indices of the leaders
 *   first_follower, second_follower   indices, or null
 *   changes           { tick: [...], person: [...], joined: [1 or 0, ...] } in tick order:
 *                     1 = joined (a leader: started), 0 = left (a leader: quit)
 *   curve             fraction of the whole crowd following at the end of ticks 0..last_tick
 *   mean_trust        mean trust of the crowd per tick, or null when trust is not modelled
 *   critical_mass     fraction of the crowd, or null
 *   trust             { tick: [...], values: ["base64", ...] } or null: per frame, the trust
 *                     of each sampled person as one byte (0 none .. 255 full), base64-encoded;
 *                     a frame holds from its tick until the next frame's
 *   events            [{ tick, label, short }] leader events, marked and labelled (short) on
 *                     the curve
 *   chapters          [{ tick, kind, label, caption }] the key moments in tick order; kind is
 *                     first-follower, second-follower, critical-mass, event, leader-quit or
 *                     settled (optional)
 *   settled_tick      where playing stops: nothing worth watching changes after it (optional)
 *   trust_floor       the trust floor, a dashed line on the curve, or null (optional)
 *   last_tick         the last tick of the run
 *   note              "showing 5,000 of 1,200,000 people (every 240th person)" when the
 *                     network is shown as a sample, otherwise null
 *   notes             other sentences to show (ties left out, notes on the input)
 *
 * A person's state at a tick: leaders are LEADER while dancing and QUIT after quitting; anyone
 * else is FOLLOWING while dancing, LEFT after leaving, SITTING before ever joining.
 */
(function (global) {
  'use strict';

  const STATE = Object.freeze({ SITTING: 0, FOLLOWING: 1, LEADER: 2, QUIT: 3, LEFT: 4 });
  const STATE_NAMES = ['sitting', 'following', 'leader dancing', 'leader quit', 'left'];
  // Okabe and Ito's colour-blind safe palette for the states; distrust pulls towards dark red.
  const COLORS = Object.freeze({
    sitting: '#b4bac2',
    following: '#0072b2',
    leader: '#e69f00',
    quit: '#4d4d4d',
    left: '#cc79a7',
    trustLow: '#8c1c13',
    edge: '#7f8790',
    curve: '#0072b2',
    trust: '#8c1c13',
    axis: '#6b7280',
    text: '#374151',
    marker: '#111827',
    kept: '#009e73',
    broken: '#d55e00',
    // The first and second followers' rings: the colours network.svg uses for them.
    first: '#d55e00',
    second: '#009e73',
  });
  const STATE_COLORS = [COLORS.sitting, COLORS.following, COLORS.leader, COLORS.quit, COLORS.left];
  // Pale tints for the blocks of an organisation (levels, departments): the background of each
  // block's region, light enough that the people's state colours stay what the eye reads first.
  const BLOCK_TINTS = ['#f6e7c8', '#d9e9f5', '#dcefd9', '#efdcee', '#f6ddd3', '#e2e2f4',
    '#e9efcf', '#d6efee'];
  // The same hues, dark enough for each region's outline and name drawn over the people.
  const BLOCK_INKS = ['#9a6a00', '#2f6690', '#3d7a3d', '#8a4a8a', '#a5522e', '#55559a',
    '#6b7a1f', '#2a7a76'];
  // Beyond this many blocks, regions are still tinted but not named one by one.
  const MAX_NAMED_BLOCKS = 12;

  /** The block of each person shown, or null when the replay has none (or a malformed list). */
  function blocksOf(replay) {
    const b = replay && replay.blocks;
    return Array.isArray(b) && b.length === replay.shown ? b : null;
  }

  /** Per block: the centre and spread of its people's positions (unit square), by block id. */
  function blockRegions(replay) {
    const b = blocksOf(replay);
    if (!b) return [];
    const p = replay.positions;
    const acc = new Map();
    for (let i = 0; i < b.length; i++) {
      let a = acc.get(b[i]);
      if (!a) acc.set(b[i], (a = { block: b[i], n: 0, x: 0, y: 0, xx: 0, yy: 0 }));
      const x = p[2 * i];
      const y = p[2 * i + 1];
      a.n++;
      a.x += x;
      a.y += y;
      a.xx += x * x;
      a.yy += y * y;
    }
    return [...acc.values()].sort((u, v) => u.block - v.block).map((a) => {
      const cx = a.x / a.n;
      const cy = a.y / a.n;
      return {
        block: a.block,
        cx,
        cy,
        sx: Math.sqrt(Math.max(0, a.xx / a.n - cx * cx)),
        sy: Math.sqrt(Math.max(0, a.yy / a.n - cy * cy)),
      };
    });
  }

  function blockTint(block) {
    return BLOCK_TINTS[block % BLOCK_TINTS.length];
  }

  function blockInk(block) {
    return BLOCK_INKS[block % BLOCK_INKS.length];
  }
  // Trust is shown in this many steps: enough to see it fall, few enough to draw in one path
  // per colour.
  const TRUST_LEVELS = 6;

  /** Null when `replay` can be drawn, otherwise a sentence saying what is wrong. */
  function check(replay) {
    if (!replay || typeof replay !== 'object') return 'the replay is missing';
    if (replay.format !== 1) {
      return 'this replay has format ' + replay.format + ', but people.js draws format 1';
    }
    const n = replay.shown;
    if (!Number.isInteger(n) || n < 0) return 'the replay has no count of people shown';
    if (!Array.isArray(replay.positions) || replay.positions.length !== 2 * n) {
      return 'the replay has ' + (replay.positions || []).length + ' position numbers for ' + n +
        ' people (it needs two each)';
    }
    const c = replay.changes || {};
    if (!Array.isArray(c.tick) || !Array.isArray(c.person) || !Array.isArray(c.joined) ||
        c.tick.length !== c.person.length || c.tick.length !== c.joined.length) {
      return 'the replay\'s changes are not three columns of equal length';
    }
    if (!Array.isArray(replay.curve) || replay.curve.length === 0) return 'the replay has no curve';
    if (!Number.isInteger(replay.last_tick) || replay.last_tick < 0) return 'the replay has no last tick';
    return null;
  }

  function clamp(x, lo, hi) {
    return Math.min(hi, Math.max(lo, x));
  }

  /** Per-person state at any tick, rebuilt from the change list. */
  class Timeline {
    constructor(replay) {
      this.replay = replay;
      const n = replay.shown;
      this.lastTick = replay.last_tick;
      this.isLeader = new Uint8Array(n);
      for (const i of replay.leaders || []) if (i >= 0 && i < n) this.isLeader[i] = 1;
      this.state = new Uint8Array(n);
      this._rewind();
      const t = replay.trust;
      this._trustTicks = t && Array.isArray(t.tick) && Array.isArray(t.values) ? t.tick : null;
    }

    _rewind() {
      this.state.fill(STATE.SITTING);
      this._next = 0; // the first change not yet applied
      this.tick = -1;
    }

    /** The states at the end of `tick` (a Uint8Array owned by the timeline: copy to keep). */
    seek(tick) {
      const t = clamp(Math.round(Number(tick) || 0), 0, this.lastTick);
      if (t < this.tick) this._rewind();
      const c = this.replay.changes;
      const n = this.state.length;
      let k = this._next;
      while (k < c.tick.length && c.tick[k] <= t) {
        const i = c.person[k];
        if (i >= 0 && i < n) {
          const joined = c.joined[k] ? 1 : 0;
          if (this.isLeader[i]) this.state[i] = joined ? STATE.LEADER : STATE.QUIT;
          else this.state[i] = joined ? STATE.FOLLOWING : STATE.LEFT;
        }
        k++;
      }
      this._next = k;
      this.tick = t;
      return this.state;
    }

    /** Trust (0..255) of each sampled person at `tick`, or null when not recorded. */
    trustAt(tick) {
      const ticks = this._trustTicks;
      if (!ticks || ticks.length === 0) return null;
      // The last frame at or before tick; before the first frame, the first frame.
      let lo = 0;
      let hi = ticks.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (ticks[mid] <= tick) lo = mid;
        else hi = mid - 1;
      }
      return this._frame(lo);
    }

    /** Frame `k` as bytes: decoded from base64 once, then kept. */
    _frame(k) {
      if (!this._frames) this._frames = new Map();
      let row = this._frames.get(k);
      if (row) return row;
      const raw = this.replay.trust.values[k];
      if (typeof raw === 'string') {
        const text = global.atob(raw);
        row = new Uint8Array(text.length);
        for (let i = 0; i < text.length; i++) row[i] = text.charCodeAt(i);
      } else if (Array.isArray(raw)) {
        row = Uint8Array.from(raw);
      } else {
        return null;
      }
      this._frames.set(k, row);
      return row;
    }

    /** Fraction of the whole crowd following at the end of `tick`. */
    following(tick) {
      const curve = this.replay.curve;
      return curve[clamp(Math.round(tick), 0, curve.length - 1)] || 0;
    }
  }

  /** Sets a canvas's backing store to its CSS size times the pixel ratio; returns the scale. */
  function fitCanvas(canvas) {
    const dpr = global.devicePixelRatio || 1;
    const cssW = canvas.clientWidth || canvas.width / dpr || 300;
    const cssH = canvas.clientHeight || canvas.height / dpr || 150;
    const w = Math.max(1, Math.round(cssW * dpr));
    const h = Math.max(1, Math.round(cssH * dpr));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    return dpr;
  }

  function offscreen(w, h) {
    const c = global.document.createElement('canvas');
    c.width = w;
    c.height = h;
    return c;
  }

  function hexToRgb(hex) {
    const v = parseInt(hex.slice(1), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }

  function mix(a, b, t) {
    const x = hexToRgb(a);
    const y = hexToRgb(b);
    const c = x.map((v, i) => Math.round(v + (y[i] - v) * t));
    return 'rgb(' + c[0] + ',' + c[1] + ',' + c[2] + ')';
  }

  // fills[state * TRUST_LEVELS + level]: level 0 is full trust.
  const FILLS = [];
  for (let s = 0; s < STATE_COLORS.length; s++) {
    for (let l = 0; l < TRUST_LEVELS; l++) {
      FILLS.push(mix(STATE_COLORS[s], COLORS.trustLow, (0.8 * l) / (TRUST_LEVELS - 1)));
    }
  }

  // The same colours as numbers, for writing pixels.
  const FILL_RGB = FILLS.map((c) => c.match(/\d+/g).map(Number));

  /** An antialiased disc of radius r around a pixel: offsets and how much of each it covers. */
  function discMask(r) {
    const reach = Math.ceil(r + 0.5);
    const dx = [];
    const dy = [];
    const cover = [];
    for (let y = -reach; y <= reach; y++) {
      for (let x = -reach; x <= reach; x++) {
        const a = clamp(r + 0.5 - Math.sqrt(x * x + y * y), 0, 1);
        if (a > 0.02) {
          dx.push(x);
          dy.push(y);
          cover.push(a);
        }
      }
    }
    return { dx: Int32Array.from(dx), dy: Int32Array.from(dy), cover: Float32Array.from(cover) };
  }

  /**
   * The people on a canvas: ties faintly, people coloured by state and trust. Everything but
   * the leaders is written straight into the pixels of one ImageData over a cached copy of the
   * ties, a few milliseconds for thousands of people, where as many canvas arcs take several
   * times longer; the leaders and the first followers' rings are drawn on top with the canvas.
   * The canvas is opaque white.
   */
  class PeopleView {
    constructor(canvas, options) {
      this.canvas = canvas;
      // People drawn this much larger (a classroom's projector wants them big).
      this.scale = (options && options.scale) || 1;
      this.ctx = canvas.getContext('2d');
      this._base = null; // white and the ties, as pixels, for one replay at one size
      this._baseFor = null;
      this._baseSize = '';
      this._image = null;
      this._buckets = null;
      this._masks = new Map();
    }

    /** Where the unit square goes on the canvas, and the dot radius (in device pixels). */
    _geometry(replay) {
      const w = this.canvas.width;
      const h = this.canvas.height;
      const n = Math.max(1, replay.shown);
      const side = Math.min(w, h);
      // Dots share the area: their diameter is a bit under each person's share of the side.
      const dpr = global.devicePixelRatio || 1;
      const r = clamp((0.42 * side * this.scale) / Math.sqrt(n), 1.1 * dpr * this.scale, 7 * dpr * this.scale);
      const pad = 2.4 * r + 2;
      const size = side - 2 * pad;
      return { x0: (w - size) / 2, y0: (h - size) / 2, size, r };
    }

    _mask(r) {
      const key = r.toFixed(3);
      let m = this._masks.get(key);
      if (!m) {
        if (this._masks.size > 8) this._masks.clear();
        m = discMask(r);
        this._masks.set(key, m);
      }
      return m;
    }

    /** White with the ties drawn on it, as pixels (cached per replay and size). */
    _ties(replay, g) {
      const w = this.canvas.width;
      const h = this.canvas.height;
      const size = w + 'x' + h;
      if (this._base && this._baseFor === replay && this._baseSize === size) return this._base;
      const layer = offscreen(w, h);
      const ctx = layer.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, w, h);
      // Each block's region tinted under the ties (its outline and name come over the people).
      for (const b of this._regions(replay)) {
        this._ellipse(ctx, g, b);
        ctx.fillStyle = blockTint(b.block);
        ctx.globalAlpha = 0.8;
        ctx.fill();
        ctx.globalAlpha = 1;
      }
      const e = replay.edges || [];
      const p = replay.positions;
      const count = e.length / 2;
      if (count > 0) {
        ctx.strokeStyle = COLORS.edge;
        ctx.globalAlpha = clamp(400 / count, 0.06, 0.35);
        ctx.lineWidth = Math.max(0.5, g.r * 0.35);
        ctx.beginPath();
        for (let k = 0; k < e.length; k += 2) {
          const a = e[k];
          const b = e[k + 1];
          ctx.moveTo(g.x0 + p[2 * a] * g.size, g.y0 + p[2 * a + 1] * g.size);
          ctx.lineTo(g.x0 + p[2 * b] * g.size, g.y0 + p[2 * b + 1] * g.size);
          // Long paths slow the rasteriser down; stroke in pieces.
          if (k % 4000 === 3998) {
            ctx.stroke();
            ctx.beginPath();
          }
        }
        ctx.stroke();
      }
      this._base = new Uint32Array(ctx.getImageData(0, 0, w, h).data.buffer.slice(0));
      this._baseFor = replay;
      this._baseSize = size;
      return this._base;
    }

    /** The block regions of `replay` (cached per replay). */
    _regions(replay) {
      if (this._regionsFor !== replay) {
        this._regionsList = blockRegions(replay);
        this._regionsFor = replay;
      }
      return this._regionsList;
    }

    /** A path around block region `b`: two standard deviations of its people's positions. */
    _ellipse(ctx, g, b) {
      ctx.beginPath();
      ctx.ellipse(g.x0 + b.cx * g.size, g.y0 + b.cy * g.size,
        2 * b.sx * g.size + 2 * g.r, 2 * b.sy * g.size + 2 * g.r, 0, 0, 2 * Math.PI);
    }

    /**
     * Each block's outline and name over the people: an organisation's levels often sit inside
     * one another in a force layout, where a tint underneath would be hidden by the crowd.
     */
    _blockLabels(replay, g) {
      const regions = this._regions(replay);
      if (regions.length === 0 || regions.length > MAX_NAMED_BLOCKS) return;
      const ctx = this.ctx;
      const dpr = global.devicePixelRatio || 1;
      ctx.save();
      ctx.lineWidth = Math.max(1, 1.5 * dpr);
      ctx.setLineDash([6 * dpr, 4 * dpr]);
      for (const b of regions) {
        this._ellipse(ctx, g, b);
        ctx.strokeStyle = blockInk(b.block);
        ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.font = 'bold ' + Math.round(12 * dpr * this.scale) + 'px sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.lineJoin = 'round';
      ctx.lineWidth = 4 * dpr;
      ctx.strokeStyle = '#ffffff';
      const h = 14 * dpr * this.scale;
      for (const b of regions) {
        const x = g.x0 + b.cx * g.size;
        const y = clamp(g.y0 + (b.cy - 2 * b.sy) * g.size - 2 * g.r, h, this.canvas.height - h);
        ctx.strokeText('block ' + b.block, x, y);
        ctx.fillStyle = blockInk(b.block);
        ctx.fillText('block ' + b.block, x, y);
      }
      ctx.restore();
    }

    /** Draws everyone in `states` (from a Timeline), with `trust` (0..255 per sampled person). */
    draw(replay, states, trust) {
      fitCanvas(this.canvas);
      const ctx = this.ctx;
      const w = this.canvas.width;
      const h = this.canvas.height;
      const g = this._geometry(replay);
      const base = this._ties(replay, g);
      if (!this._image || this._image.width !== w || this._image.height !== h) {
        this._image = ctx.createImageData(w, h);
        this._pixels = new Uint32Array(this._image.data.buffer);
      }
      const pix = this._pixels;
      pix.set(base);

      const n = replay.shown;
      const p = replay.positions;
      const sampled = replay.sampled;
      const kinds = FILLS.length;
      if (!this._buckets || this._bucketCap < n) {
        this._buckets = [];
        for (let k = 0; k < kinds; k++) this._buckets.push(new Uint32Array(n));
        this._bucketCap = n;
      }
      const fill = new Uint32Array(kinds);
      const leaders = [];
      for (let i = 0; i < n; i++) {
        const s = states[i];
        if (s === STATE.LEADER || s === STATE.QUIT) {
          leaders.push(i);
          continue;
        }
        let level = 0;
        if (trust && i < sampled) {
          level = Math.min(TRUST_LEVELS - 1, Math.floor(((255 - trust[i]) * TRUST_LEVELS) / 256));
        }
        const k = s * TRUST_LEVELS + level;
        this._buckets[k][fill[k]++] = i;
      }
      // Sitting people first (and a little smaller), so that dancers are drawn on top of them.
      const r = g.r;
      for (const s of [STATE.SITTING, STATE.LEFT, STATE.FOLLOWING]) {
        const mask = this._mask(s === STATE.SITTING ? r * 0.85 : r);
        const mdx = mask.dx;
        const mdy = mask.dy;
        const cover = mask.cover;
        const m = cover.length;
        for (let l = 0; l < TRUST_LEVELS; l++) {
          const k = s * TRUST_LEVELS + l;
          if (fill[k] === 0) continue;
          const bucket = this._buckets[k];
          const [cr, cg, cb] = FILL_RGB[k];
          const solid = (0xff000000 | (cb << 16) | (cg << 8) | cr) >>> 0;
          for (let j = 0; j < fill[k]; j++) {
            const i = bucket[j];
            const cx = Math.floor(g.x0 + p[2 * i] * g.size);
            const cy = Math.floor(g.y0 + p[2 * i + 1] * g.size);
            for (let q = 0; q < m; q++) {
              const x = cx + mdx[q];
              const y = cy + mdy[q];
              if (x < 0 || y < 0 || x >= w || y >= h) continue;
              const at = y * w + x;
              const a = cover[q];
              if (a >= 0.999) {
                pix[at] = solid;
              } else {
                // Blend over what is there (the base is opaque, so alpha stays 255).
                const d = pix[at];
                const b = 1 - a;
                pix[at] = (0xff000000 |
                  (((cb * a + ((d >>> 16) & 255) * b) | 0) << 16) |
                  (((cg * a + ((d >>> 8) & 255) * b) | 0) << 8) |
                  ((cr * a + (d & 255) * b) | 0)) >>> 0;
              }
            }
          }
        }
      }
      ctx.putImageData(this._image, 0, 0);
      this._blockLabels(replay, g);

      // Leaders last and larger, with a dark outline.
      const lr = Math.max(r * 2.2, 4);
      for (const i of leaders) {
        const x = Math.floor(g.x0 + p[2 * i] * g.size) + 0.5;
        const y = Math.floor(g.y0 + p[2 * i + 1] * g.size) + 0.5;
        ctx.beginPath();
        ctx.arc(x, y, lr, 0, 2 * Math.PI);
        ctx.fillStyle = states[i] === STATE.LEADER ? COLORS.leader : COLORS.quit;
        ctx.fill();
        ctx.lineWidth = Math.max(1, lr * 0.25);
        ctx.strokeStyle = COLORS.marker;
        ctx.stroke();
      }
      // The first and second followers get a ring of their own colour while they dance (the
      // moment the story turns), drawn over the leaders and wider than their markers, so a
      // first follower right beside the leader is never hidden under them, nor hides them.
      ctx.lineWidth = Math.max(2, r * 0.6);
      const roles = [[replay.first_follower, COLORS.first], [replay.second_follower, COLORS.second]];
      for (const [i, color] of roles) {
        if (i == null || i >= n || states[i] !== STATE.FOLLOWING) continue;
        ctx.strokeStyle = color;
        ctx.beginPath();
        ctx.arc(Math.floor(g.x0 + p[2 * i] * g.size) + 0.5, Math.floor(g.y0 + p[2 * i + 1] * g.size) + 0.5,
          lr + Math.max(2, r), 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
  }

  /** The adoption curve of the whole crowd with a marker at the current tick. */
  class CurveView {
    constructor(canvas) {
      this.canvas = canvas;
      this.ctx = canvas.getContext('2d');
      this._layer = null;
      this._layerFor = null;
      this._layerSize = '';
    }

    _frame() {
      const dpr = global.devicePixelRatio || 1;
      const w = this.canvas.width;
      const h = this.canvas.height;
      const left = 38 * dpr;
      const right = 10 * dpr;
      const top = 10 * dpr;
      const bottom = 22 * dpr;
      return { dpr, left, top, width: Math.max(1, w - left - right), height: Math.max(1, h - top - bottom) };
    }

    _static(replay) {
      const size = this.canvas.width + 'x' + this.canvas.height;
      if (this._layer && this._layerFor === replay && this._layerSize === size) return this._layer;
      const layer = offscreen(this.canvas.width, this.canvas.height);
      const ctx = layer.getContext('2d');
      const f = this._frame();
      const last = Math.max(1, replay.last_tick);
      const x = (t) => f.left + (t / last) * f.width;
      const y = (v) => f.top + (1 - v) * f.height;
      ctx.font = 11 * f.dpr + 'px system-ui, sans-serif';
      ctx.fillStyle = COLORS.text;
      ctx.strokeStyle = COLORS.axis;
      ctx.lineWidth = f.dpr;
      // Axes and the 0%, 50%, 100% lines.
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      for (const v of [0, 0.5, 1]) {
        ctx.globalAlpha = v === 0 ? 1 : 0.25;
        ctx.beginPath();
        ctx.moveTo(f.left, y(v));
        ctx.lineTo(f.left + f.width, y(v));
        ctx.stroke();
        ctx.globalAlpha = 1;
        ctx.fillText(Math.round(v * 100) + '%', f.left - 4 * f.dpr, y(v));
      }
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      ctx.fillText('0', f.left, f.top + f.height + 5 * f.dpr);
      ctx.textAlign = 'right';
      ctx.fillText('tick ' + replay.last_tick, f.left + f.width, f.top + f.height + 5 * f.dpr);
      // Leader events as thin vertical lines, each labelled at the top in the first of two
      // rows where it fits (a label with room in neither is left out: the line stays).
      const rowEnds = [-Infinity, -Infinity];
      ctx.font = 10 * f.dpr + 'px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      for (const e of replay.events || []) {
        const color = /kept/.test(e.label) ? COLORS.kept : COLORS.broken;
        ctx.strokeStyle = color;
        ctx.globalAlpha = 0.7;
        ctx.setLineDash([2 * f.dpr, 3 * f.dpr]);
        ctx.beginPath();
        ctx.moveTo(x(e.tick), f.top);
        ctx.lineTo(x(e.tick), f.top + f.height);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.globalAlpha = 1;
        const text = e.short || e.label;
        const w = ctx.measureText(text).width;
        const right = x(e.tick) + 3 * f.dpr + w > f.left + f.width;
        const from = right ? x(e.tick) - 3 * f.dpr - w : x(e.tick) + 3 * f.dpr;
        const row = rowEnds.findIndex((end) => from > end + 4 * f.dpr);
        if (row < 0) continue;
        rowEnds[row] = from + w;
        ctx.fillStyle = color;
        ctx.textAlign = 'left';
        ctx.fillText(text, from, f.top + row * 12 * f.dpr);
      }
      ctx.font = 11 * f.dpr + 'px system-ui, sans-serif';
      ctx.fillStyle = COLORS.text;
      // The first follower's tick, in their colour.
      const firstChapter = (replay.chapters || []).find((c) => c.kind === 'first-follower');
      if (firstChapter) {
        ctx.strokeStyle = COLORS.first;
        ctx.lineWidth = 1.5 * f.dpr;
        ctx.beginPath();
        ctx.moveTo(x(firstChapter.tick), f.top);
        ctx.lineTo(x(firstChapter.tick), f.top + f.height);
        ctx.stroke();
        ctx.lineWidth = f.dpr;
      }
      // The trust floor, on the same 0 to 1 scale as the dashed trust line.
      if (typeof replay.trust_floor === 'number' && Array.isArray(replay.mean_trust)) {
        ctx.strokeStyle = COLORS.trust;
        ctx.globalAlpha = 0.6;
        ctx.setLineDash([1 * f.dpr, 3 * f.dpr]);
        ctx.beginPath();
        ctx.moveTo(f.left, y(replay.trust_floor));
        ctx.lineTo(f.left + f.width, y(replay.trust_floor));
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.globalAlpha = 1;
        ctx.fillStyle = COLORS.trust;
        ctx.textAlign = 'left';
        ctx.textBaseline = 'bottom';
        ctx.fillText('trust floor', f.left + 4 * f.dpr, y(replay.trust_floor) - 2 * f.dpr);
        ctx.fillStyle = COLORS.text;
      }
      // The critical mass.
      if (typeof replay.critical_mass === 'number') {
        ctx.strokeStyle = COLORS.axis;
        ctx.setLineDash([5 * f.dpr, 4 * f.dpr]);
        ctx.beginPath();
        ctx.moveTo(f.left, y(replay.critical_mass));
        ctx.lineTo(f.left + f.width, y(replay.critical_mass));
        ctx.stroke();
        ctx.setLineDash([]);
        // At the right end, away from where the marker starts.
        ctx.textAlign = 'right';
        ctx.textBaseline = 'bottom';
        ctx.fillText('critical mass', f.left + f.width - 4 * f.dpr, y(replay.critical_mass) - 2 * f.dpr);
      }
      const line = (values, color, width, fillUnder) => {
        ctx.beginPath();
        const step = Math.max(1, Math.floor(values.length / (2 * f.width)));
        for (let t = 0; t < values.length; t += step) {
          if (t === 0) ctx.moveTo(x(t), y(values[t]));
          else ctx.lineTo(x(t), y(values[t]));
        }
        ctx.lineTo(x(values.length - 1), y(values[values.length - 1]));
        ctx.strokeStyle = color;
        ctx.lineWidth = width;
        ctx.stroke();
        if (fillUnder) {
          ctx.lineTo(x(values.length - 1), y(0));
          ctx.lineTo(x(0), y(0));
          ctx.closePath();
          ctx.globalAlpha = 0.12;
          ctx.fillStyle = color;
          ctx.fill();
          ctx.globalAlpha = 1;
        }
      };
      if (Array.isArray(replay.mean_trust) && replay.mean_trust.length > 0) {
        ctx.setLineDash([4 * f.dpr, 3 * f.dpr]);
        line(replay.mean_trust, COLORS.trust, 1.5 * f.dpr, false);
        ctx.setLineDash([]);
      }
      line(replay.curve, COLORS.curve, 2 * f.dpr, true);
      this._layer = layer;
      this._layerFor = replay;
      this._layerSize = size;
      return layer;
    }

    /** Draws the curve and the marker at `tick`. */
    draw(replay, tick) {
      fitCanvas(this.canvas);
      const ctx = this.ctx;
      ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
      ctx.drawImage(this._static(replay), 0, 0);
      const f = this._frame();
      const last = Math.max(1, replay.last_tick);
      const t = clamp(tick, 0, replay.curve.length - 1);
      const v = replay.curve[t] || 0;
      const x = f.left + (t / last) * f.width;
      const y = f.top + (1 - v) * f.height;
      ctx.strokeStyle = COLORS.marker;
      ctx.globalAlpha = 0.5;
      ctx.lineWidth = f.dpr;
      ctx.beginPath();
      ctx.moveTo(x, f.top);
      ctx.lineTo(x, f.top + f.height);
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.fillStyle = COLORS.curve;
      ctx.beginPath();
      ctx.arc(x, y, 4 * f.dpr, 0, 2 * Math.PI);
      ctx.fill();
      ctx.font = 'bold ' + 11 * f.dpr + 'px system-ui, sans-serif';
      ctx.fillStyle = COLORS.marker;
      ctx.textBaseline = 'bottom';
      ctx.textAlign = x > f.left + f.width * 0.8 ? 'right' : 'left';
      const label = (v * 100).toFixed(1) + '%';
      ctx.fillText(label, x + (ctx.textAlign === 'left' ? 6 : -6) * f.dpr, Math.max(f.top + 12 * f.dpr, y - 4 * f.dpr));
    }
  }

  /** Fills `element` with the colour key of `replay`'s picture. */
  function legend(element, replay) {
    if (!element) return;
    const doc = global.document;
    element.textContent = '';
    const item = (color, text, ring, hollow) => {
      const span = doc.createElement('span');
      span.className = 'fp-legend-item';
      const dot = doc.createElement('span');
      dot.className = 'fp-legend-dot';
      dot.style.display = 'inline-block';
      dot.style.width = dot.style.height = '0.8em';
      dot.style.borderRadius = '50%';
      dot.style.marginRight = '0.3em';
      dot.style.verticalAlign = 'middle';
      if (hollow) {
        dot.style.boxSizing = 'border-box';
        dot.style.border = '0.18em solid ' + color;
      } else {
        dot.style.background = color;
      }
      if (ring) dot.style.boxShadow = '0 0 0 1px ' + COLORS.marker;
      span.appendChild(dot);
      span.appendChild(doc.createTextNode(text));
      span.style.marginRight = '1em';
      span.style.whiteSpace = 'nowrap';
      element.appendChild(span);
    };
    item(COLORS.leader, 'leader dancing', true);
    item(COLORS.quit, 'leader quit', true);
    item(COLORS.following, 'following');
    item(COLORS.left, 'left');
    item(COLORS.sitting, 'sitting');
    const regions = blockRegions(replay);
    if (regions.length > MAX_NAMED_BLOCKS) {
      item(blockTint(0), 'background: ' + regions.length + ' blocks, tinted');
    } else {
      for (const b of regions) item(blockInk(b.block), 'block ' + b.block + ' (dashed outline)', false, true);
    }
    if (replay && replay.first_follower != null) item(COLORS.first, 'first follower', false, true);
    if (replay && replay.second_follower != null) item(COLORS.second, 'second follower', false, true);
    if (replay && Array.isArray(replay.mean_trust)) item(COLORS.trust, 'mean trust (dashed line on the curve)');
    if (replay && replay.trust) {
      item('linear-gradient(90deg,' + COLORS.following + ',' + FILLS[STATE.FOLLOWING * TRUST_LEVELS + TRUST_LEVELS - 1] + ')',
        'trust in the leader: full to none (darker, redder)');
    }
  }

  /** A player: a timeline, the views and the controls, animated with requestAnimationFrame. */
  class Player {
    constructor(options) {
      this.options = options;
      this.peopleView = new PeopleView(options.people, { scale: options.classroom ? 1.6 : 1 });
      this.pacing = options.pacing !== false;
      this.curveView = options.curve ? new CurveView(options.curve) : null;
      this.onTick = options.onTick || null;
      this.playing = false;
      this._raf = 0;
      this._carry = 0;
      this._listeners = [];
      this._speedGiven = typeof options.ticksPerSecond === 'number' && options.ticksPerSecond > 0;
      this.ticksPerSecond = this._speedGiven ? options.ticksPerSecond : 10;
      const on = (el, type, fn) => {
        if (!el) return;
        el.addEventListener(type, fn);
        this._listeners.push([el, type, fn]);
      };
      on(options.play, 'click', () => this.toggle());
      on(options.tick, 'input', () => {
        this.pause();
        this.seek(Number(options.tick.value));
      });
      if (global.ResizeObserver) {
        this._resize = new global.ResizeObserver(() => this.redraw());
        this._resize.observe(options.people);
        if (options.curve) this._resize.observe(options.curve);
      }
      this.tick = 0;
      this.setReplay(options.replay, { keepTick: false });
    }

    get lastTick() {
      return this.timeline.lastTick;
    }

    /** Where playing stops: the replay's settled tick, or the last tick. */
    _settled() {
      const s = this.replay.settled_tick;
      return Number.isInteger(s) && s > 0 && s <= this.replay.last_tick ? s : this.replay.last_tick;
    }

    /** Where playing stops (see `settled_tick`). */
    get settledTick() {
      return this._settled();
    }

    /** The chapters, in tick order. */
    get chapters() {
      return (this.replay && this.replay.chapters) || [];
    }

    /** Pauses and shows the k-th chapter's tick. */
    chapter(k) {
      const c = this.chapters[k];
      if (!c) return;
      this.pause();
      this._show(c.tick, false);
    }

    /** One button per chapter in the `chapters` element. */
    _chapterButtons(replay) {
      const box = this.options.chapters;
      if (!box) return;
      box.textContent = '';
      this.chapters.forEach((c, k) => {
        const b = global.document.createElement('button');
        b.type = 'button';
        b.className = 'fp-chapter';
        b.dataset.kind = c.kind;
        b.dataset.tick = String(c.tick);
        b.textContent = c.label + ' \u00b7 ' + c.tick;
        b.title = c.caption;
        b.addEventListener('click', () => this.chapter(k));
        box.appendChild(b);
      });
      box.hidden = this.chapters.length === 0;
    }

    /** Speed factor at `tick`: slower within a window around each chapter. */
    _pace(tick) {
      if (!this.pacing) return 1;
      const span = Math.max(1, this._settled());
      const window = Math.max(3, span / 40);
      let near = Infinity;
      for (const c of this.chapters) near = Math.min(near, Math.abs(c.tick - tick));
      if (near >= window) return 1;
      const slow = Math.min(1, Math.max(4, this.ticksPerSecond / 6) / this.ticksPerSecond);
      return slow + (1 - slow) * (near / window);
    }

    /** Shows a new replay; with `keepTick`, stays at the current tick (or the new last one). */
    setReplay(replay, opts) {
      const problem = check(replay);
      if (problem) throw new Error(problem);
      const keep = opts && opts.keepTick;
      this.replay = replay;
      this.timeline = new Timeline(replay);
      if (!this._speedGiven) this.ticksPerSecond = Math.max(10, this._settled() / 12);
      this._chapterButtons(replay);
      if (this.options.tick) {
        this.options.tick.min = 0;
        this.options.tick.max = replay.last_tick;
        this.options.tick.step = 1;
      }
      legend(this.options.legend, replay);
      this._show(keep ? Math.min(this.tick, replay.last_tick) : 0, true);
    }

    _show(tick, force) {
      const t = clamp(Math.round(tick), 0, this.timeline.lastTick);
      if (!force && t === this.tick && this._drawn) return;
      this.tick = t;
      const states = this.timeline.seek(t);
      this.peopleView.draw(this.replay, states, this.timeline.trustAt(t));
      if (this.curveView) this.curveView.draw(this.replay, t);
      this._drawn = true;
      const o = this.options;
      if (o.tick && Number(o.tick.value) !== t) o.tick.value = String(t);
      if (o.label) {
        o.label.textContent = 'tick ' + t + ' of ' + this.timeline.lastTick + ' \u00b7 ' +
          (this.timeline.following(t) * 100).toFixed(1) + '% following';
      }
      let current = -1;
      this.chapters.forEach((c, k) => {
        if (c.tick <= t) current = k;
      });
      if (o.chapters) {
        Array.from(o.chapters.children).forEach((b, k) => {
          if (k === current) b.setAttribute('aria-current', 'step');
          else b.removeAttribute('aria-current');
        });
      }
      if (o.caption) {
        const c = this.chapters[current];
        o.caption.textContent = c ? c.caption
          : (this.replay.leaders || []).length > 0 ? 'Tick ' + t + ': the leader dances alone.' : '';
      }
      if (this.onTick) this.onTick(t);
    }

    /** Redraws the current tick (after a resize). */
    redraw() {
      this._show(this.tick, true);
    }

    seek(tick) {
      this._show(tick, false);
    }

    play() {
      if (this.playing) return;
      if (this.tick >= this.timeline.lastTick) this._show(0, false);
      // Stop where nothing changes any more; from there (or past it), play on to the end.
      const end = this.pacing && this.tick < this._settled() ? this._settled() : this.timeline.lastTick;
      this.playing = true;
      this._carry = 0;
      this._last = null;
      this._hold = 0;
      this._setButton();
      const frame = (now) => {
        if (!this.playing) return;
        if (this._last !== null && now >= this._hold) {
          // At most a quarter of a second per frame, so a hidden tab does not jump ahead.
          this._carry += (Math.min(250, now - this._last) / 1000) * this.ticksPerSecond * this._pace(this.tick);
        }
        this._last = now;
        let whole = Math.floor(this._carry);
        if (whole > 0) {
          this._carry -= whole;
          // Never past a chapter in one step: land on it and hold it for a second.
          const next = this.pacing ? this.chapters.find((c) => c.tick > this.tick && c.tick <= this.tick + whole) : null;
          if (next) {
            whole = next.tick - this.tick;
            this._carry = 0;
            this._hold = now + 1000;
          }
          this._show(Math.min(end, this.tick + whole), false);
        }
        if (this.tick >= end) {
          this.pause();
          return;
        }
        this._raf = global.requestAnimationFrame(frame);
      };
      this._raf = global.requestAnimationFrame(frame);
    }

    pause() {
      this.playing = false;
      if (this._raf) global.cancelAnimationFrame(this._raf);
      this._raf = 0;
      this._setButton();
    }

    toggle() {
      if (this.playing) this.pause();
      else this.play();
    }

    step(n) {
      this.pause();
      this._show(this.tick + (Number.isFinite(n) ? n : 1), false);
    }

    reset() {
      this.pause();
      this._show(0, false);
    }

    destroy() {
      this.pause();
      for (const [el, type, fn] of this._listeners) el.removeEventListener(type, fn);
      this._listeners = [];
      if (this._resize) this._resize.disconnect();
    }

    _setButton() {
      const b = this.options.play;
      if (!b) return;
      b.textContent = this.playing ? 'Pause' : 'Play';
      b.setAttribute('aria-pressed', this.playing ? 'true' : 'false');
    }
  }

  function mount(options) {
    if (!options || !options.people) throw new Error('FollowershipPeople.mount needs a people canvas');
    return new Player(options);
  }

  global.FollowershipPeople = Object.freeze({
    STATE,
    STATE_NAMES,
    COLORS,
    Timeline,
    PeopleView,
    CurveView,
    Player,
    legend,
    check,
    mount,
  });
})(typeof window !== 'undefined' ? window : globalThis);
