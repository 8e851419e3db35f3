import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey, formatAddress, isDomain, parseAddress } from '../../src/core/address.ts';
import { isMissiveError } from '../../src/core/errors.ts';

/** Asserts an invalid_address refusal whose message says why. */
function refuses(input: string, reason: RegExp): void {
  assert.throws(
    () => parseAddress(input),
    (error: unknown) => isMissiveError(error, 'invalid_address') && reason.test(error.message),
    `${JSON.stringify(input)} should be refused with ${reason}`,
  );
}

/** A domain of exactly `length` characters made of labels of at most 63 characters. */
function domainOfLength(length: number): string {
  const labels: string[] = [];
  let left = length - 3; // ".fr"
  while (left > 0) {
    const size = Math.min(63, left - (labels.length > 0 ? 1 : 0));
    labels.push('d'.repeat(size));
    left -= size + (labels.length > 1 ? 1 : 0);
  }
  const domain = `${labels.join('.')}.fr`;
  assert.equal(domain.length, length);
  return domain;
}

describe('parseAddress', () => {
  it('keeps the local part as written and lower-cases the domain', () => {
    assert.deepEqual(parseAddress('Jean.Dupont@Medecin.MSSante.fr'), { local: 'Jean.Dupont', domain: 'medecin.mssante.fr' });
    assert.deepEqual(parseAddress('  cardio@ch-exemple.mssante.fr \r\n'), { local: 'cardio', domain: 'ch-exemple.mssante.fr' });
    assert.deepEqual(parseAddress("o'brien+tag_1=x@a-b.c0.fr"), { local: "o'brien+tag_1=x", domain: 'a-b.c0.fr' });
  });

  it('refuses text that is not local@domain', () => {
    for (const input of ['', 'jean.dupont', '@medecin.mssante.fr', 'jean@', '   ']) refuses(input, /not a mailbox address/);
  });

  it('refuses invalid local parts (dot-atom only)', () => {
    for (const input of [
      '.jean@medecin.mssante.fr',
      'jean.@medecin.mssante.fr',
      'je..an@medecin.mssante.fr',
      '"jean dupont"@medecin.mssante.fr',
      'jean dupont@medecin.mssante.fr',
      'jean(comment)@medecin.mssante.fr',
      'a@b@medecin.mssante.fr',
      'éloïse@medecin.mssante.fr',
    ]) {
      refuses(input, /invalid local part/);
    }
  });

  it('refuses invalid domains', () => {
    for (const input of [
      'jean@localhost',
      'jean@-medecin.fr',
      'jean@medecin-.fr',
      'jean@medecin..fr',
      'jean@medecin.fr.',
      'jean@méde.fr',
      'jean@med_ecin.fr',
      'jean@[127.0.0.1]',
      `jean@${'a'.repeat(64)}.fr`,
    ]) {
      refuses(input, /invalid domain/);
    }
    assert.equal(isDomain(`${'a'.repeat(63)}.fr`), true);
  });

  it('enforces the length limits: local part 64, address 254', () => {
    assert.equal(parseAddress(`${'a'.repeat(64)}@x.fr`).local.length, 64);
    refuses(`${'a'.repeat(65)}@x.fr`, /invalid local part/);
    const longest = `${'a'.repeat(64)}@${domainOfLength(189)}`;
    assert.equal(longest.length, 254);
    assert.equal(formatAddress(parseAddress(longest)), longest);
    refuses(`${'a'.repeat(64)}@${domainOfLength(190)}`, /not a mailbox address/);
  });

  it('bounds what an error message echoes of the input', () => {
    assert.throws(
      () => parseAddress(`${'x'.repeat(300)}@`),
      (error: unknown) => isMissiveError(error, 'invalid_address') && error.message.includes('…') && error.message.length < 150,
    );
  });
});

describe('addressKey', () => {
  it('is the lower-cased address, from text or from a parsed address', () => {
    assert.equal(addressKey('Jean.Dupont@Medecin.MSSante.fr'), 'jean.dupont@medecin.mssante.fr');
    assert.equal(addressKey({ local: 'Cardio', domain: 'ch.mssante.fr' }), 'cardio@ch.mssante.fr');
    assert.equal(addressKey('JEAN@X.FR'), addressKey('jean@x.fr'));
  });

  it('validates text input', () => {
    assert.throws(() => addressKey('not an address'), (error: unknown) => isMissiveError(error, 'invalid_address'));
  });
});

describe('addresses parsed again', () => {
  it('give the same parts and key, which no caller can change', () => {
    const first = parseAddress(' Dr.Martin@Hopital.Example.FR ');
    const again = parseAddress(' Dr.Martin@Hopital.Example.FR ');
    assert.deepEqual(again, { local: 'Dr.Martin', domain: 'hopital.example.fr' });
    assert.equal(again, first);
    assert.ok(Object.isFrozen(again));
    assert.throws(() => ((again as { local: string }).local = 'someone.else'));
    assert.equal(addressKey(' Dr.Martin@Hopital.Example.FR '), 'dr.martin@hopital.example.fr');
    assert.equal(addressKey(' Dr.Martin@Hopital.Example.FR '), 'dr.martin@hopital.example.fr');
  });

  it('are refused again when they were refused, and thousands of distinct ones still parse', () => {
    refuses('no-at-sign.example.fr', /not a mailbox address/);
    refuses('no-at-sign.example.fr', /not a mailbox address/);
    for (let n = 0; n < 25_000; n++) assert.equal(addressKey(`User${n}@Example.FR`), `user${n}@example.fr`);
    assert.deepEqual(parseAddress('User7@Example.FR'), { local: 'User7', domain: 'example.fr' });
    const padded = `${' '.repeat(5_000)}Padded@Example.FR`;
    assert.deepEqual(parseAddress(padded), { local: 'Padded', domain: 'example.fr' });
    assert.equal(addressKey(padded), 'padded@example.fr');
  });
});
