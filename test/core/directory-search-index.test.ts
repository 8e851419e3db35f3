import assert from 'node:assert/strict';
import test from 'node:test';
import { DirectoryIndex, type IndexInput, type Searcher } from '../../src/core/directory/search-index.ts';

function entry(fields: Partial<IndexInput> & { address: string }): IndexInput {
  return {
    key: fields.address.toLowerCase(),
    kind: 'PER',
    lastName: null,
    firstName: null,
    displayName: null,
    nationalId: null,
    ppId: null,
    professionCode: '10',
    professionLabel: 'Médecin',
    specialityCode: null,
    specialityLabel: null,
    structureId: null,
    structureName: null,
    service: null,
    city: null,
    postcode: null,
    department: null,
    ...fields,
  };
}

const ENTRIES = [
  entry({ address: 'eloise.martin@ch-rennes.mssante.fr', lastName: 'Martin', firstName: 'Éloïse', nationalId: '810100271385', ppId: '10100271385', specialityCode: 'SM04', specialityLabel: 'Cardiologie et maladies vasculaires', structureId: '350000001', structureName: 'CHU de Rennes', postcode: '35033', department: '35', city: 'Rennes' }),
  entry({ address: 'yann.le-gall-muller@medecin.mssante.fr', lastName: 'Le Gall-Müller', firstName: 'Yann', postcode: '29200', department: '29', city: 'Brest' }),
  entry({ address: 'awa.ndiaye@medecin.mssante.fr', lastName: "N'Diaye", firstName: 'Awa', postcode: '75011', department: '75' }),
  entry({ address: 'paul.martineau@medecin.mssante.fr', lastName: 'Martineau', firstName: 'Paul', postcode: '35000', department: '35' }),
  entry({ address: 'anne.martin@medecin.mssante.fr', lastName: 'Martin', firstName: 'Anne', postcode: '13001', department: '13' }),
  entry({ address: 'luc.amartin@medecin.mssante.fr', lastName: 'Amartin', firstName: 'Luc', postcode: '69001', department: '69' }),
  entry({ address: 'cardiologie@ch-rennes.mssante.fr', kind: 'ORG', displayName: 'Service de cardiologie', structureId: '350000001', structureName: 'CHU de Rennes', professionCode: null, professionLabel: null, postcode: '35033', department: '35' }),
  entry({ address: 'jean.dubois@pharmacien.mssante.fr', lastName: 'Dubois', firstName: 'Jean', professionCode: '21', professionLabel: 'Pharmacien', postcode: '2A004'.replace('A', '0'), department: '2A' }),
];
const index = new DirectoryIndex(ENTRIES);
const nobody: Searcher = { structureIds: [], department: null };
const keys = (query: string, filters = {}, searcher = nobody) => index.search(query, filters, searcher, 50).hits.map((hit) => hit.key.split('@')[0]);

test('directory index: accents, case, hyphens and apostrophes do not matter', () => {
  assert.deepEqual(keys('eloise'), ['eloise.martin']);
  assert.deepEqual(keys('ÉLOÏSE'), ['eloise.martin']);
  assert.deepEqual(keys('le gall'), ['yann.le-gall-muller']);
  assert.deepEqual(keys('legall'), ['yann.le-gall-muller']);
  assert.deepEqual(keys('muller'), ['yann.le-gall-muller']);
  assert.deepEqual(keys('ndiaye'), ['awa.ndiaye']);
  assert.deepEqual(keys("n'diaye"), ['awa.ndiaye']);
  assert.deepEqual(keys('diaye'), ['awa.ndiaye']);
});

test('directory index: several words in any order, each a prefix', () => {
  assert.deepEqual(keys('mart elo'), ['eloise.martin']);
  assert.deepEqual(keys('elo mart'), ['eloise.martin']);
  assert.deepEqual(keys('cardio renn'), ['eloise.martin', 'cardiologie']);
  assert.deepEqual(keys('zzz'), []);
  assert.deepEqual(keys('martin zzz'), []);
});

test('directory index: by RPPS, national id and address', () => {
  assert.deepEqual(keys('10100271385'), ['eloise.martin']);
  assert.deepEqual(keys('810100271385'), ['eloise.martin']);
  assert.deepEqual(keys('eloise.martin@ch-ren'), ['eloise.martin']);
  assert.deepEqual(keys('awa.ndiaye@'), ['awa.ndiaye']);
});

test('directory index: exact surname first, then the searcher structure, then department, then alphabetical', () => {
  // Prefix "martin" matches Martin, Martineau; Amartin is not a prefix match.
  assert.deepEqual(keys('martin'), ['anne.martin', 'eloise.martin', 'paul.martineau']);
  // From Marseille's department, the Marseille Martin comes first among the exact matches.
  assert.deepEqual(keys('martin', {}, { structureIds: [], department: '13' }), ['anne.martin', 'eloise.martin', 'paul.martineau']);
  assert.deepEqual(keys('martin', {}, { structureIds: ['350000001'], department: null }), ['eloise.martin', 'anne.martin', 'paul.martineau']);
  // Department ranks below exact surname: Martineau (35) stays after both Martin.
  assert.deepEqual(keys('martin', {}, { structureIds: [], department: '35' }), ['eloise.martin', 'anne.martin', 'paul.martineau']);
  assert.deepEqual(keys('mar', {}, { structureIds: [], department: '35' }), ['eloise.martin', 'paul.martineau', 'anne.martin']);
});

test('directory index: filters alone or with words; an unknown filter value finds nothing', () => {
  assert.deepEqual(keys('', { profession: '21' }), ['jean.dubois']);
  assert.deepEqual(keys('', { department: '35' }), ['eloise.martin', 'paul.martineau', 'cardiologie']);
  assert.deepEqual(keys('', { postcode: '350' }), ['eloise.martin', 'paul.martineau', 'cardiologie']);
  assert.deepEqual(keys('', { postcode: '35033' }), ['eloise.martin', 'cardiologie']);
  assert.deepEqual(keys('', { kind: 'org' }), ['cardiologie']);
  assert.deepEqual(keys('', { speciality: 'SM04' }), ['eloise.martin']);
  assert.deepEqual(keys('', { structure: '350000001' }), ['eloise.martin', 'cardiologie']);
  assert.deepEqual(keys('martin', { department: '13' }), ['anne.martin']);
  assert.deepEqual(keys('', { profession: '99' }), []);
});

test('directory index: totals and pages; excluded keys are not counted', () => {
  const found = index.search('ma', {}, nobody, 2);
  assert.equal(found.total, 3);
  assert.equal(found.hits.length, 2);
  const excluded = index.search('martin', {}, nobody, 50, (key) => key.startsWith('anne.'));
  assert.equal(excluded.total, 2);
  assert.deepEqual(excluded.hits.map((hit) => hit.key.split('@')[0]), ['eloise.martin', 'paul.martineau']);
});
