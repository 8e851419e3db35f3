import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_RIGHTS, formatRights, isMailboxKind, NO_RIGHTS, parseRights, type Rights } from '../../src/core/mailbox.ts';

describe('parseRights / formatRights', () => {
  it('parses comma-separated lists, ignoring spaces and empty items', () => {
    assert.deepEqual(parseRights('read,send'), { read: true, send: true, manage: false });
    assert.deepEqual(parseRights(' manage , read '), { read: true, send: false, manage: true });
    assert.deepEqual(parseRights('send,,send'), { read: false, send: true, manage: false });
    assert.deepEqual(parseRights('read,send,manage'), ALL_RIGHTS);
  });

  it('refuses empty lists and unknown words, quoting the input', () => {
    for (const text of ['', ' , ', 'read,write', 'READ', 'none', 'read;send']) {
      assert.throws(() => parseRights(text), { message: `rights must be a comma-separated list of read, send, manage; got ${JSON.stringify(text)}` });
    }
  });

  it('formats in a fixed order, "none" for no right, and round-trips every non-empty set', () => {
    assert.equal(formatRights(NO_RIGHTS), 'none');
    assert.equal(formatRights(ALL_RIGHTS), 'read,send,manage');
    assert.equal(formatRights({ read: false, send: true, manage: true }), 'send,manage');
    for (let bits = 1; bits < 8; bits++) {
      const rights: Rights = { read: (bits & 1) !== 0, send: (bits & 2) !== 0, manage: (bits & 4) !== 0 };
      assert.deepEqual(parseRights(formatRights(rights)), rights);
    }
  });
});

describe('mailbox kinds', () => {
  it('are the directory codes PER, ORG, APP', () => {
    assert.deepEqual(['PER', 'ORG', 'APP', 'CAB', 'per', ''].map(isMailboxKind), [true, true, true, false, false, false]);
  });
});
