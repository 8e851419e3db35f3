import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PATIENT_DOMAIN, routeFor } from '../../src/core/routes.ts';

describe('routeFor', () => {
  const local = new Set(['demo.mssante.test']);
  const trusted = new Set(['ch-exemple.mssante.fr', 'demo.mssante.test']);

  it('routes our domains locally, whitelisted operators over SMTP, everything else to the vault', () => {
    assert.equal(routeFor('demo.mssante.test', local, trusted), 'local');
    assert.equal(routeFor('ch-exemple.mssante.fr', local, trusted), 'operator');
    assert.equal(routeFor('gmail.com', local, trusted), 'vault');
    assert.equal(routeFor(PATIENT_DOMAIN, local, trusted), 'vault');
  });

  it('compares domains exactly (callers pass them lower-cased)', () => {
    assert.equal(routeFor('sub.demo.mssante.test', local, trusted), 'vault');
    assert.equal(routeFor('Demo.MSSante.test', local, trusted), 'vault');
  });
});
