// people.js without a browser: the timeline's states at any tick, trust frames, and the checks
// of a replay. (Drawing is tested in the browser by view.test.js and report.test.js.)
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

require(path.join(__dirname, '..', 'crates', 'followership-report', 'assets', 'people.js'));
const FP = globalThis.FollowershipPeople;
const { SITTING, FOLLOWING, LEADER, QUIT, LEFT } = FP.STATE;

// Person 0 leads from tick 0 and quits at 6; 1 joins at 2 and leaves at 5; 2 joins at 3.
const replay = {
  format: 1,
  shown: 3,
  sampled: 3,
  positions: [0, 0, 0.5, 0.5, 1, 1],
  edges: [0, 1],
  leaders: [0],
  changes: { tick: [0, 2, 3, 5, 6], person: [0, 1, 2, 1, 0], joined: [1, 1, 1, 0, 0] },
  curve: [0, 0, 0.5, 1, 1, 0.5, 0.5],
  last_tick: 6,
  trust: { tick: [0, 4], values: ['/wBA', 'AQID'] },
};

test('the timeline gives each person their state at any tick, forwards and back', () => {
  assert.equal(FP.check(replay), null);
  const t = new FP.Timeline(replay);
  assert.deepEqual([...t.seek(0)], [LEADER, SITTING, SITTING]);
  assert.deepEqual([...t.seek(3)], [LEADER, FOLLOWING, FOLLOWING]);
  assert.deepEqual([...t.seek(6)], [QUIT, LEFT, FOLLOWING]);
  // Back in time: rebuilt from tick 0.
  assert.deepEqual([...t.seek(2)], [LEADER, FOLLOWING, SITTING]);
  assert.deepEqual([...t.seek(5)], [LEADER, LEFT, FOLLOWING]);
  // Out of range and odd input are clamped.
  assert.deepEqual([...t.seek(99)], [QUIT, LEFT, FOLLOWING]);
  assert.equal(t.tick, 6);
  t.seek(-3);
  assert.equal(t.tick, 0);
  t.seek('x');
  assert.equal(t.tick, 0);
  assert.equal(t.following(3), 1);
  assert.equal(t.following(100), 0.5);
});

test('trust frames are decoded from base64 and hold until the next frame', () => {
  const t = new FP.Timeline(replay);
  assert.deepEqual([...t.trustAt(0)], [255, 0, 64]);
  assert.deepEqual([...t.trustAt(3)], [255, 0, 64]);
  assert.deepEqual([...t.trustAt(4)], [1, 2, 3]);
  assert.deepEqual([...t.trustAt(1000)], [1, 2, 3]);
  assert.equal(new FP.Timeline({ ...replay, trust: null }).trustAt(3), null);
});

test('replays people.js cannot draw are named, not drawn', () => {
  assert.match(FP.check(null), /missing/);
  assert.match(FP.check({ ...replay, format: 2 }), /format 2/);
  assert.match(FP.check({ ...replay, positions: [1] }), /position/);
  assert.match(FP.check({ ...replay, changes: { tick: [1], person: [], joined: [] } }), /changes/);
  assert.match(FP.check({ ...replay, curve: [] }), /curve/);
  assert.throws(() => FP.mount({ replay }), /people canvas/);
});

test('the legend names the first and second followers when the run had them', () => {
  // A document just large enough for the legend: elements with children, styles and text.
  const made = [];
  const element = () => {
    const e = { children: [], style: {}, textContent: '', appendChild(c) { this.children.push(c); } };
    made.push(e);
    return e;
  };
  const saved = globalThis.document;
  globalThis.document = {
    createElement: element,
    createTextNode: (text) => ({ text }),
  };
  try {
    const texts = (r) => {
      const box = element();
      FP.legend(box, r);
      return box.children.map((item) => item.children[1].text);
    };
    const withBoth = texts({ ...replay, first_follower: 1, second_follower: 2 });
    assert.ok(withBoth.includes('first follower'), withBoth.join(', '));
    assert.ok(withBoth.includes('second follower'), withBoth.join(', '));
    assert.ok(!texts(replay).includes('first follower'), 'no first follower, no legend entry');
  } finally {
    globalThis.document = saved;
  }
});
