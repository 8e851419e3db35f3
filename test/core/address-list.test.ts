import assert from 'node:assert/strict';
import { test } from 'node:test';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { addressList, mailboxList } from '../../src/core/address-list.ts';

const FIELDS = [
  'Dr Martin <martin@hopital.example.fr>, "Durand, Anne" <anne.durand@clinique.example.fr>',
  'Équipe: a@x.example.fr, b@x.example.fr;, c@y.example.fr',
  '=?utf-8?q?Fran=C3=A7ois?= <f@z.example.fr>',
  'not an address at all',
  '',
];

test('address fields read again give addressparser’s reading, groups kept or opened', () => {
  for (const field of FIELDS) {
    for (let time = 0; time < 2; time++) {
      assert.deepEqual(addressList(field), addressparser(field));
      assert.deepEqual(mailboxList(field), addressparser(field, { flatten: true }));
    }
  }
  assert.equal(addressList(FIELDS[1]!).length, 2);
  assert.equal(mailboxList(FIELDS[1]!).length, 3);
});

test('a reading is shared, so neither it nor its entries can be changed', () => {
  const entries = addressList(FIELDS[1]!);
  assert.equal(addressList(FIELDS[1]!), entries);
  assert.ok(Object.isFrozen(entries));
  const group = entries[0]!;
  assert.ok(Object.isFrozen(group) && Object.isFrozen(group.group) && Object.isFrozen(group.group![0]));
  assert.throws(() => (entries as unknown as unknown[]).push({}));
  assert.throws(() => ((group.group![0] as { address: string }).address = 'intruder@evil.example'));
  assert.equal(mailboxList(FIELDS[1]!)[0]!.address, 'a@x.example.fr');
});

test('thousands of distinct fields are read right, the table of readings staying bounded', () => {
  for (let n = 0; n < 5_000; n++) assert.equal(mailboxList(`Person ${n} <p${n}@example.fr>`)[0]!.address, `p${n}@example.fr`);
  assert.equal(mailboxList('Person 1 <p1@example.fr>')[0]!.name, 'Person 1');
});

test('a long field is read afresh each time and never kept', () => {
  const long = Array.from({ length: 200 }, (_, n) => `p${n}@example.fr`).join(', ');
  const first = mailboxList(long);
  assert.equal(first.length, 200);
  assert.notEqual(mailboxList(long), first);
  assert.deepEqual(mailboxList(long), first);
});
