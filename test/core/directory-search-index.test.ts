import assert from 'node:assert/strict';
import test from 'node:test';
import { DirectoryIndex, sortKeyOf, tokensOf, type IndexInput, type Searcher } from '../../src/core/directory/search-index.ts';
import { queryWords, surnameForms } from '../../src/core/directory/tokens.ts';

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
  const excluded = index.search('martin', {}, nobody, 50, index.maskOf(new Set(['anne.martin@medecin.mssante.fr'])));
  assert.equal(excluded.total, 2);
  assert.deepEqual(excluded.hits.map((hit) => hit.key.split('@')[0]), ['eloise.martin', 'paul.martineau']);
});

test('directory index: agrees with a plain scan on thousands of entries and queries (every candidate strategy)', () => {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const lasts = ['Martin', 'Martineau', 'Le Gall', 'Le Gall-Müller', "N'Diaye", 'Marchand', 'Lefèvre', 'Leroy', 'Dubois', 'Durand', 'Mâle', 'Ma'];
  const firsts = ['Éloïse', 'Anne', 'Marc', 'Marie', 'Léa', 'Paul', 'Lucas', 'Mathis'];
  const cities = ['Rennes', 'Marseille', 'Lyon', 'Le Mans', 'Lens'];
  const inputs: IndexInput[] = [];
  for (let i = 0; i < 4000; i++) {
    const person = random() < 0.85;
    const department = pick(['35', '13', '69', '72', '62']);
    inputs.push(
      entry({
        address: `e${i}@${pick(['ch-rennes', 'medecin', 'pharmacien'])}.mssante.fr`,
        kind: person ? 'PER' : pick(['ORG', 'APP']),
        lastName: person ? pick(lasts) : null,
        firstName: person ? pick(firsts) : null,
        displayName: person ? null : pick(['Service de cardiologie', 'Laboratoire Marchand', 'Maternité']),
        professionCode: person ? pick(['10', '21', '60']) : null,
        specialityCode: person && random() < 0.5 ? pick(['SM04', 'SM26']) : null,
        structureId: pick(['350000001', '130000002', null]),
        city: pick(cities),
        postcode: `${department}${String(Math.floor(random() * 1000)).padStart(3, '0')}`,
        department,
      }),
    );
  }
  const big = new DirectoryIndex(inputs);
  const hidden = new Set(inputs.filter((_, i) => i % 13 === 0).map((input) => input.key));
  const mask = big.maskOf(hidden);
  const words = ['m', 'ma', 'mar', 'martin', 'le', 'legall', 'gall', 'ndiaye', 'elo', 'marie', 'l', 'lens', 'rennes', 'ser', 'cardio', 'mâle', 'e1', 'zz'];
  for (let q = 0; q < 600; q++) {
    const query = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(words)).join(' ');
    const filters: Record<string, string> = {};
    if (random() < 0.3) filters.profession = pick(['10', '21', '60']);
    if (random() < 0.2) filters.department = pick(['35', '13', '69']);
    if (random() < 0.1) filters.postcode = pick(['35', '130', '6']);
    if (random() < 0.1) filters.kind = pick(['per', 'org']);
    if (random() < 0.1) filters.speciality = 'SM04';
    if (random() < 0.1) filters.structure = '350000001';
    const searcher: Searcher = { structureIds: random() < 0.5 ? ['130000002'] : [], department: random() < 0.5 ? '35' : null };
    const want = pick([5, 20, 200]);
    const found = big.search(query, filters, searcher, want, mask);
    const expected = plainSearch(inputs, query, filters, searcher, hidden);
    assert.equal(found.total, expected.length, `total for ${query} ${JSON.stringify(filters)}`);
    assert.deepEqual(found.hits.map((hit) => hit.key), expected.slice(0, want), `hits for ${query} ${JSON.stringify(filters)}`);
  }
});

/** The rules written the slow, obvious way: every entry's tokens scanned, then sorted by rank and name. */
function plainSearch(inputs: IndexInput[], query: string, filters: Record<string, string>, searcher: Searcher, hidden: Set<string>): string[] {
  const words = queryWords(query);
  const exact = new Set<string>();
  for (let i = 0; i < words.length; i++) for (let j = i; j < words.length; j++) exact.add(words.slice(i, j + 1).join(''));
  const matches = inputs.filter((input) => {
    if (hidden.has(input.key)) return false;
    const tokens = tokensOf(input);
    if (!words.every((word) => tokens.some((token) => token.startsWith(word)))) return false;
    if (filters.profession && input.professionCode !== filters.profession) return false;
    if (filters.department && input.department !== filters.department) return false;
    if (filters.kind && input.kind !== filters.kind.toUpperCase()) return false;
    if (filters.speciality && input.specialityCode !== filters.speciality) return false;
    if (filters.structure && input.structureId !== filters.structure) return false;
    if (filters.postcode && !input.postcode?.startsWith(filters.postcode)) return false;
    return true;
  });
  const score = (input: IndexInput) =>
    (surnameForms(input.lastName ?? input.displayName).some((form) => exact.has(form)) ? 4 : 0) +
    (input.structureId !== null && searcher.structureIds.includes(input.structureId) ? 2 : 0) +
    (searcher.department !== null && input.department === searcher.department ? 1 : 0);
  return matches
    .map((input) => ({ key: input.key, score: score(input), sortKey: sortKeyOf(input) }))
    .sort((a, b) => b.score - a.score || (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
    .map((hit) => hit.key);
}
