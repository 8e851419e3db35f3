import assert from 'node:assert/strict';
import test from 'node:test';
import { parseWhitelist } from '../../src/core/trust/whitelist.ts';
import { domainXml, whitelistXml } from '../support/whitelist.ts';


test('whitelist: domains with their certificate subject and contacts, with or without a namespace prefix', () => {
  for (const prefix of ['', 'lb']) {
    const parsed = parseWhitelist(whitelistXml([domainXml('ch-exemple.mssante.fr', undefined, prefix), domainXml('MEDECIN.Autre-Operateur.fr', undefined, prefix)], { prefix }));
    assert.equal(parsed.generatedAt, '2026-12-01T03:00:00');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.domains.map((entry) => entry.domain), ['ch-exemple.mssante.fr', 'medecin.autre-operateur.fr']);
    assert.deepEqual(parsed.domains[0], {
      domain: 'ch-exemple.mssante.fr',
      description: 'Messagerie de ch-exemple.mssante.fr',
      certificateSubject: 'CN=mx.ch-exemple.mssante.fr, OU=0002 123456789, O=OPERATEUR, ST=Bretagne, C=FR',
      responsibleContact: 'rssi@ch-exemple.mssante.fr',
      supportContact: 'support@ch-exemple.mssante.fr',
      updatedOn: '2026-11-30',
    });
  }
});

test('whitelist: unusable entries are left out and reported; a file that is not a whitelist is refused whole', () => {
  const parsed = parseWhitelist(whitelistXml([domainXml('bon.mssante.fr'), '<Domaine><Description>sans nom</Description></Domaine>', domainXml('pas un domaine'), domainXml('bon.mssante.fr')]));
  assert.deepEqual(parsed.domains.map((entry) => entry.domain), ['bon.mssante.fr']);
  assert.deepEqual(parsed.problems, ['Domaine 2: no Nom; left out', 'Domaine 3: "pas un domaine" is not a domain name; left out', 'Domaine 4: bon.mssante.fr is listed twice; the first entry is kept']);
  assert.throws(() => parseWhitelist('pas du XML <'), /not well-formed XML/);
  assert.throws(() => parseWhitelist('<?xml version="1.0"?><Racine><Autre/></Racine>'), /no Domaine element/);
  // No entity is ever expanded: a document type is refused outright (XXE, billion laughs).
  const xxe = `<?xml version="1.0"?><!DOCTYPE ListeBlanche [<!ENTITY x SYSTEM "file:///etc/passwd">]><ListeBlanche>${domainXml('a.fr').replace('Messagerie de a.fr', '&x;')}</ListeBlanche>`;
  assert.throws(() => parseWhitelist(xxe), /document type or entity declaration/);
});
