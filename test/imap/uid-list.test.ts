import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UidList } from '../../src/protocols/imap/uid-list.ts';

test('UidList: sequence numbers and UIDs both ways, removals reported highest first, checked against a plain array', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const plain: number[] = [];
  const list = new UidList();
  let next = 1;
  for (let round = 0; round < 300; round++) {
    const added = Array.from({ length: Math.floor(random() * 20) }, () => (next += random() < 0.8 ? 1 : 2 + Math.floor(random() * 5)));
    plain.push(...added);
    list.append(added);
    const doomed = plain.filter(() => random() < 0.05);
    const expected = doomed.map((uid) => plain.indexOf(uid) + 1).sort((a, b) => b - a);
    assert.deepEqual(list.remove(doomed), expected);
    for (const uid of doomed) plain.splice(plain.indexOf(uid), 1);
    assert.equal(list.length, plain.length);
    assert.equal(list.last(), plain.at(-1) ?? 0);
    for (let i = 0; i < plain.length; i += 7) {
      assert.equal(list.uidAt(i + 1), plain[i]);
      assert.equal(list.seqOf(plain[i]!), i + 1);
    }
    assert.equal(list.seqOf(next + 100), 0);
  }
  assert.deepEqual(list.all(), plain);
  assert.equal(new UidList(Array.from({ length: 10_000 }, (_, i) => i + 1)).uidAt(10_000), 10_000);
});

test('UidList.fromRuns: the same list as its UIDs one by one', () => {
  const runs: [number, number][] = [[3, 3], [5, 9], [12, 12], [20, 25]];
  const uids = runs.flatMap(([first, last]) => Array.from({ length: last - first + 1 }, (_, i) => first + i));
  const list = UidList.fromRuns(runs);
  assert.deepEqual(list.all(), uids);
  assert.equal(list.length, uids.length);
  assert.equal(list.seqOf(12), uids.indexOf(12) + 1);
  assert.equal(list.uidAt(7), uids[6]);
  assert.equal(UidList.fromRuns([]).length, 0);
});
