import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importWhitelist, refreshTrustedDomains } from '../../src/services/trust/whitelist-import.ts';
import { routeFor } from '../../src/core/routes.ts';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, expectCode, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';
import { domainXml, whitelistXml } from '../support/whitelist.ts';

engineTest('trust import: the whitelist replaces the trusted domains in one step with counts; our own domain stays local; a bad file changes nothing', async (t, rt) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'missive-trust-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await seedSmallOperator(rt.ctx);
  const file = (name: string, xml: string) => {
    const at = path.join(dir, name);
    writeFileSync(at, xml);
    return at;
  };
  const day1 = file('day1.xml', whitelistXml([domainXml('ch-a.mssante.fr'), domainXml('ch-b.mssante.fr'), domainXml(DOMAIN)]));
  const first = await importWhitelist(rt.ctx, day1);
  assert.deepEqual([first.domains, first.added, first.changed, first.removed], [2, 2, 0, 0]);
  assert.deepEqual(first.ownSkipped, [DOMAIN]);
  assert.deepEqual([...rt.ctx.trustedDomains].sort(), ['ch-a.mssante.fr', 'ch-b.mssante.fr']);
  assert.equal(routeFor('ch-a.mssante.fr', rt.ctx.localDomains, rt.ctx.trustedDomains), 'operator');
  assert.equal(routeFor(DOMAIN, rt.ctx.localDomains, rt.ctx.trustedDomains), 'local');
  // Mail to another operator is queued for it; an address outside the trust space gets a vault copy.
  const queued = await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: ['dr.x@ch-a.mssante.fr'] }));
  assert.deepEqual(queued.queued, ['dr.x@ch-a.mssante.fr']);
  const vaulted = await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: ['dr.x@gmail.com'] }));
  assert.deepEqual([vaulted.queued, vaulted.vault.map((copy) => copy.address)], [[], ['dr.x@gmail.com']]);

  const day2 = file('day2.xml', whitelistXml([domainXml('ch-a.mssante.fr', 'CN=nouveau.ch-a.mssante.fr, O=AUTRE, C=FR'), domainXml('ch-c.mssante.fr')]));
  const second = await importWhitelist(rt.ctx, day2);
  assert.deepEqual([second.domains, second.added, second.changed, second.removed], [2, 1, 1, 1]);
  assert.deepEqual([...rt.ctx.trustedDomains].sort(), ['ch-a.mssante.fr', 'ch-c.mssante.fr']);

  await expectCode(importWhitelist(rt.ctx, file('bad.xml', '<ListeBlanche><Domaine><Nom>x')), 'invalid_argument');
  await expectCode(importWhitelist(rt.ctx, file('empty.xml', whitelistXml([domainXml(DOMAIN)]))), 'invalid_argument');
  await expectCode(importWhitelist(rt.ctx, path.join(dir, 'absent.xml')), 'invalid_argument');
  // Another process (a server) sees the stored list once it refreshes.
  rt.ctx.trustedDomains.clear();
  await refreshTrustedDomains(rt.ctx);
  assert.deepEqual([...rt.ctx.trustedDomains].sort(), ['ch-a.mssante.fr', 'ch-c.mssante.fr']);
});
