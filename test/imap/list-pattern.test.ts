import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globMatches } from '../../src/protocols/imap/commands/list.ts';

test('LIST patterns: * crosses levels, % stays in one, other characters match themselves', () => {
  assert.ok(globMatches('*', 'Shared/cardiologie@x.fr/INBOX'));
  assert.ok(globMatches('%', 'Sent'));
  assert.ok(!globMatches('%', 'Shared/x/INBOX'));
  assert.ok(globMatches('Shared/%', 'Shared/cardiologie@x.fr'));
  assert.ok(!globMatches('Shared/%', 'Shared/cardiologie@x.fr/INBOX'));
  assert.ok(globMatches('Shared/%/%', 'Shared/cardiologie@x.fr/INBOX'));
  assert.ok(globMatches('S*t', 'Sent'));
  assert.ok(!globMatches('S*t', 'Sents'));
  assert.ok(globMatches('', ''));
  assert.ok(!globMatches('', 'INBOX'));
  assert.ok(globMatches('a.b(c)[d]', 'a.b(c)[d]'), 'no character is special but * and %');
  assert.ok(!globMatches('a.c', 'abc'));
});

// A liveness guard, not a timing assertion: a backtracking matcher would not finish this.
test('LIST patterns: a pattern full of wildcards against a long path is answered', { timeout: 30_000 }, () => {
  const pattern = `${'*a'.repeat(40)}b`;
  assert.equal(globMatches(pattern, 'a'.repeat(200)), false);
});
