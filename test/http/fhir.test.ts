import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bundle, CapabilityStatement, ContactPoint, Organization, Practitioner, PractitionerRole, Resource } from '@medplum/fhirtypes';
import { ALL_RIGHTS } from '../../src/core/mailbox.ts';
import { reloadDirectory } from '../../src/services/directory/directory-index.ts';
import { decodeId, encodeId, parseRoleId, roleId } from '../../src/services/directory/fhir.ts';
import { MAX_MATCHES } from '../../src/services/directory/fhir-directory.ts';
import { addMailbox, addStructure, addUser } from '../../src/services/accounts.ts';
import { setDirectoryHidden, type ActivityRow, type EntryRow } from '../../src/store/repositories/directory.ts';
import { activateNational, nationalEntry } from '../support/national-directory.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { assertFhir } from '../support/fhir-schema.ts';
import { logIn, PASSWORD } from './login.ts';
import { as, D, serve } from './server.ts';

const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const RPPS = 'https://rpps.esante.gouv.fr';
const FINESS = 'https://finess.esante.gouv.fr';
const METADATA = 'https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata';
const EMAIL_TYPE = 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type';
const LONG_ADDRESS = 'secretariat.consultations.cardiologie.pediatrique@ch-saint-jean-de-luz.mssante.fr';
const GENERATION = 'dir_test_generation';

const entry = (fields: Partial<EntryRow> & Pick<EntryRow, 'address' | 'kind'>): EntryRow => nationalEntry(GENERATION, fields);

const person = (nationalId: string, last: string, first: string, address: string, more: Partial<EntryRow> = {}) =>
  entry({ address, kind: 'PER', pp_id_type: nationalId[0]!, pp_id: nationalId.slice(1), national_id: nationalId, civility: 'DR', last_name: last, first_name: first, profession_code: '10', profession_label: 'Médecin', ...more });

const CHU_RENNES = { structure_id_type: '1', structure_id: '1350000001', structure_name: 'CHU de Rennes', street: '2 RUE HENRI LE GUILLOUX', city: 'RENNES', postcode: '35033', department: '35' };

/**
 * The national directory of these tests, written like the importer does: a building generation,
 * its rows, then the switch. Holds the practitioners searched below, structures under their
 * national ids (type digit in front), 45 Duponts to page through, and an address the operator
 * itself holds on the liste rouge (the national file is a day late: it must not leak).
 */
async function fillNational(rt: TestRuntime, filler: number): Promise<void> {
  const rows: EntryRow[] = [
    person('810100271385', 'Martin', 'Éloïse', 'eloise.martin@ch-rennes.mssante.fr', { ...CHU_RENNES, speciality_code: 'SM04', speciality_label: 'Cardiologie et maladies vasculaires' }),
    person('810100271385', 'Martin', 'Éloïse', 'eloise.martin@medecin.mssante.fr', { structure_id_type: '3', structure_id: '312345678900012', structure_name: 'Cabinet Martin', city: 'RENNES', postcode: '35000', department: '35' }),
    person('810000000003', "N'Diaye", 'Jean', 'jean.ndiaye@ch-brest.mssante.fr', { civility: 'M', profession_code: '60', profession_label: 'Infirmier', structure_id_type: '1', structure_id: '1290000002', structure_name: 'CHU de Brest', city: 'BREST', postcode: '29200', department: '29' }),
    person('810000000004', 'Le Gall-Müller', 'Anne-Sophie', LONG_ADDRESS, { structure_id_type: '1', structure_id: '1640000003', structure_name: 'CH de Saint-Jean-de-Luz', city: 'SAINT-JEAN-DE-LUZ', postcode: '64500', department: '64' }),
    entry({ address: 'cardio.secretariat@ch-rennes.mssante.fr', kind: 'ORG', service: 'Cardiologie', ...CHU_RENNES }),
    entry({ address: 'dpi@ch-rennes.mssante.fr', kind: 'APP', ...CHU_RENNES }),
    person('810000000002', 'Secretin', 'Anne', `anne.secretin@${D}`, CHU_RENNES),
    entry({ address: `direction@${D}`, kind: 'ORG', ...CHU_RENNES }),
  ];
  for (let i = 0; i < 45; i++) {
    const n = String(i).padStart(2, '0');
    rows.push(person(`8100000001${n}`, 'Dupont', `Jean${n}`, `jean${n}.dupont@medecin.mssante.fr`, { city: 'PARIS', postcode: `750${n.padStart(2, '0')}`.slice(0, 5), department: '75' }));
  }
  for (let i = 0; i < filler; i++) rows.push(entry({ address: `poste${i}@clinique.mssante.fr`, kind: 'ORG', structure_id: '1130000009', structure_name: 'Clinique du Port', postcode: '13002', department: '13' }));
  const activity = (line: number, fields: Partial<ActivityRow>): ActivityRow => ({
    generation_id: GENERATION,
    national_id: '810100271385',
    line,
    profession_code: null,
    profession_label: null,
    speciality_code: null,
    speciality_label: null,
    mode_code: null,
    siret: null,
    finess: null,
    site_name: null,
    postcode: null,
    city: null,
    department: null,
    phone: null,
    email: null,
    ...fields,
  });
  await activateNational(rt.ctx, GENERATION, rows, [
    activity(2, { profession_code: '10', profession_label: 'Médecin', speciality_code: 'SM04', speciality_label: 'Cardiologie et maladies vasculaires' }),
    activity(3, { speciality_code: 'SM54', speciality_label: 'Médecine générale' }),
  ]);
}

/**
 * The operator's own directory: Dr Le Gall (in the CHU de Rennes, known regionally by its bare
 * FINESS), a liste rouge practitioner and service mailbox, and a mailbox hidden from the directory.
 */
async function fillRegional(rt: TestRuntime): Promise<void> {
  const { ctx } = rt;
  const chu = await addStructure(ctx, { name: 'CHU de Rennes', finess: '350000001', postcode: '35033', city: 'Rennes' });
  await addUser(ctx, { id: 'lgall', displayName: 'Dr Loïc Le Gall', lastName: 'Le Gall', firstName: 'Loïc', rpps: '10000000001', profession: 'Médecin', structureId: chu, notifyEmail: 'lgall@exemple.fr', password: PASSWORD });
  await addMailbox(ctx, { address: `loic.legall@${D}`, kind: 'PER', displayName: 'Dr Loïc Le Gall', members: [{ userId: 'lgall', rights: ALL_RIGHTS }] });
  await addUser(ctx, { id: 'asecretin', displayName: 'Dr Anne Secretin', lastName: 'Secretin', firstName: 'Anne', rpps: '10000000002', structureId: chu });
  await addMailbox(ctx, { address: `anne.secretin@${D}`, kind: 'PER', displayName: 'Dr Anne Secretin', listeRouge: true, members: [{ userId: 'asecretin', rights: ALL_RIGHTS }] });
  await addMailbox(ctx, { address: `direction@${D}`, kind: 'ORG', displayName: 'Direction', structureId: chu, listeRouge: true, members: [{ userId: 'lgall', rights: ALL_RIGHTS }] });
  await addMailbox(ctx, { address: `urgences@${D}`, kind: 'ORG', displayName: 'Urgences', structureId: chu, members: [{ userId: 'lgall', rights: ALL_RIGHTS }] });
  await addMailbox(ctx, { address: `ancien@${D}`, kind: 'ORG', displayName: 'Ancien service', structureId: chu, members: [{ userId: 'lgall', rights: ALL_RIGHTS }] });
  await ctx.sql.write((trx) => setDirectoryHidden(trx, `ancien@${D}`, true));
}

async function directory(rt: TestRuntime, filler = 0) {
  const server = await serve(rt);
  await fillRegional(rt);
  await fillNational(rt, filler);
  await reloadDirectory(rt.ctx);
  const client = as(server.url, await logIn(server.url, 'lgall'));
  /** A FHIR answer: its status, its media type, and a body valid against the R4 schema. */
  const fhir = async <T extends Resource>(path: string, status = 200): Promise<T> => {
    const response = await client.get(path);
    const body = (await response.json()) as T;
    assert.equal(response.status, status, `${path}: ${JSON.stringify(body)}`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/fhir\+json/);
    assertFhir(body);
    return body;
  };
  const search = <T extends Resource>(path: string) => fhir<Bundle<T>>(path);
  return { ...server, client, fhir, search };
}

const resources = <T extends Resource>(bundle: Bundle<T>): T[] => (bundle.entry ?? []).map((item) => item.resource!);
const mailboxesOf = (resource: { telecom?: ContactPoint[] }) => (resource.telecom ?? []).map((point) => point.value);
const everyAddress = (bundle: Bundle) => JSON.stringify(bundle).match(/[a-z0-9.'-]+@[a-z0-9.-]+/gi) ?? [];

engineTest('FHIR Practitioner: search by name (accents, prefixes, hyphens), RPPS or national id, postcode and mailbox; read by id', async (_t, rt) => {
  const { app, url, fhir, search } = await directory(rt);
  try {
    const byName = await search<Practitioner>('/fhir/Practitioner?name=eloise%20mart');
    assert.equal(byName.type, 'searchset');
    assert.equal(byName.total, 1);
    const [eloise] = resources(byName);
    assert.equal(eloise!.id, 'pr-810100271385');
    assert.deepEqual(byName.entry![0]!.search, { mode: 'match' });
    assert.equal(byName.entry![0]!.fullUrl, `${url}/fhir/Practitioner/pr-810100271385`);
    assert.deepEqual(
      eloise!.identifier!.map((id) => [id.system, id.value]),
      [
        [IDNPS, '810100271385'],
        [RPPS, '10100271385'],
      ],
    );
    assert.deepEqual(eloise!.name, [{ use: 'official', text: 'Dr Éloïse Martin', family: 'Martin', given: ['Éloïse'], suffix: ['DR'] }]);
    // Both her mailboxes, each an email flagged MSSanté with its kind (PER) and not on the liste rouge.
    assert.deepEqual(mailboxesOf(eloise!).sort(), ['eloise.martin@ch-rennes.mssante.fr', 'eloise.martin@medecin.mssante.fr']);
    const point = eloise!.telecom![0]!;
    assert.equal(point.system, 'email');
    assert.deepEqual(point.extension!.find((ext) => ext.url === EMAIL_TYPE)!.valueCoding!.code, 'MSSANTE');
    const metadata = point.extension!.find((ext) => ext.url === METADATA)!.extension!;
    assert.equal(metadata.find((ext) => ext.url === 'type')!.valueCodeableConcept!.coding![0]!.code, 'PER');
    assert.equal(metadata.find((ext) => ext.url === 'listeRouge')!.valueBoolean, false);
    // Profession and savoir-faire, from her mailboxes and her national activities.
    const codes = eloise!.qualification!.map((q) => q.code.coding?.[0]?.code);
    assert.deepEqual(codes.sort(), ['10', 'SM04', 'SM54']);
    assert.ok(eloise!.qualification!.some((q) => q.code.coding?.[0]?.system === 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante'));

    const ids = async (path: string) => resources(await search<Practitioner>(path)).map((resource) => resource.id);
    assert.deepEqual(await ids('/fhir/Practitioner?name=ELOISE'), ['pr-810100271385']);
    assert.deepEqual(await ids('/fhir/Practitioner?name=ndiaye'), ['pr-810000000003'], "N'Diaye found without its apostrophe");
    assert.deepEqual((await ids('/fhir/Practitioner?name=le%20gall')).sort(), ['pr-810000000001', 'pr-810000000004'], 'the regional Dr Le Gall and the national Le Gall-Müller');
    assert.deepEqual(await ids('/fhir/Practitioner?name=legallmu'), ['pr-810000000004'], 'a hyphenated name typed whole');
    assert.deepEqual(await ids('/fhir/Practitioner?name=rennes'), [], 'the name, not the city');
    assert.deepEqual(await ids(`/fhir/Practitioner?identifier=${encodeURIComponent(`${RPPS}|10100271385`)}`), ['pr-810100271385']);
    assert.deepEqual(await ids(`/fhir/Practitioner?identifier=${encodeURIComponent(`${IDNPS}|810000000003`)}`), ['pr-810000000003']);
    assert.deepEqual(await ids('/fhir/Practitioner?identifier=10000000001'), ['pr-810000000001'], 'a bare RPPS: the regional practitioner');
    assert.deepEqual(await ids(`/fhir/Practitioner?identifier=${encodeURIComponent('http://example.org|10100271385')}`), [], 'another system names no one');
    assert.deepEqual(await ids('/fhir/Practitioner?address-postalcode=29'), ['pr-810000000003']);
    assert.deepEqual(await ids('/fhir/Practitioner?address-postalcode=35&name=martin'), ['pr-810100271385']);
    assert.deepEqual(await ids('/fhir/Practitioner?mailbox=eloise.martin%40medecin'), ['pr-810100271385']);
    assert.deepEqual(await ids(`/fhir/Practitioner?mailbox-mss=${encodeURIComponent('JEAN.NDIAYE@ch-brest.mssante.fr')}`), ['pr-810000000003']);
    assert.deepEqual(await ids('/fhir/Practitioner?mailbox=nobody%40nowhere.fr'), []);

    // The regional practitioner: from the operator's own records, no national entry needed.
    const gall = await fhir<Practitioner>('/fhir/Practitioner/pr-810000000001');
    assert.deepEqual(mailboxesOf(gall), [`loic.legall@${D}`]);
    assert.deepEqual(gall.name![0]!.family, 'Le Gall');
    assert.deepEqual(await fhir<Practitioner>('/fhir/Practitioner/pr-810100271385'), eloise);
  } finally {
    await app.close();
  }
});

engineTest('FHIR Organization: by FINESS (national and regional records are one structure), name and postcode; its ORG and APP mailboxes; read by id', async (_t, rt) => {
  const { app, fhir, search } = await directory(rt);
  try {
    const byFiness = await search<Organization>(`/fhir/Organization?identifier=${encodeURIComponent(`${FINESS}|350000001`)}`);
    assert.equal(byFiness.total, 1);
    const [chu] = resources(byFiness);
    assert.equal(chu!.id, 'org-350000001');
    assert.equal(chu!.name, 'CHU de Rennes');
    assert.deepEqual(
      chu!.identifier!.map((id) => [id.system, id.value]),
      [
        ['urn:oid:1.2.250.1.71.4.2.2', '1350000001'],
        [FINESS, '350000001'],
      ],
    );
    assert.equal(chu!.address![0]!.postalCode, '35033');
    // The structure's own mailboxes, national and regional; not the practitioners', not the liste rouge, not the hidden.
    assert.deepEqual(mailboxesOf(chu!).sort(), ['cardio.secretariat@ch-rennes.mssante.fr', 'dpi@ch-rennes.mssante.fr', `urgences@${D}`]);
    const kinds = chu!.telecom!.map((point) => point.extension!.find((ext) => ext.url === METADATA)!.extension!.find((ext) => ext.url === 'type')!.valueCodeableConcept!.coding![0]!.code);
    assert.deepEqual(kinds.sort(), ['APP', 'ORG', 'ORG']);

    const ids = async (path: string) => resources(await search<Organization>(path)).map((resource) => resource.id);
    assert.deepEqual(await ids('/fhir/Organization?identifier=1350000001'), ['org-350000001'], 'the national structure id');
    assert.deepEqual(await ids(`/fhir/Organization?identifier=${encodeURIComponent('https://sirene.fr|12345678900012')}`), ['org-12345678900012']);
    assert.deepEqual((await ids('/fhir/Organization?name=chu')).sort(), ['org-290000002', 'org-350000001']);
    assert.deepEqual(await ids('/fhir/Organization?name=chu&address-postalcode=29'), ['org-290000002']);
    assert.deepEqual(await ids('/fhir/Organization?name=martin'), ['org-12345678900012'], 'the structure named after her, not hers');
    assert.deepEqual(await ids('/fhir/Organization?mailbox=dpi%40ch-rennes'), ['org-350000001']);
    assert.deepEqual(await ids(`/fhir/Organization?identifier=${encodeURIComponent(`${FINESS}|999999999`)}`), []);

    assert.deepEqual(await fhir<Organization>('/fhir/Organization/org-350000001'), chu);
    const cabinet = await fhir<Organization>('/fhir/Organization/org-12345678900012');
    assert.deepEqual(cabinet.identifier!.map((id) => id.value), ['312345678900012', '12345678900012']);
    assert.equal(cabinet.telecom, undefined, 'a practice known only by a personal mailbox has no mailbox of its own');
  } finally {
    await app.close();
  }
});

engineTest('FHIR PractitionerRole: one per mailbox, linking the practitioner and the structure, with profession and speciality; by practitioner, organization, specialty; read by id', async (_t, rt) => {
  const { app, fhir, search } = await directory(rt);
  try {
    const roles = resources(await search<PractitionerRole>('/fhir/PractitionerRole?practitioner=Practitioner/pr-810100271385'));
    assert.deepEqual(roles.map((role) => mailboxesOf(role)[0]).sort(), ['eloise.martin@ch-rennes.mssante.fr', 'eloise.martin@medecin.mssante.fr']);
    const atChu = roles.find((role) => mailboxesOf(role)[0] === 'eloise.martin@ch-rennes.mssante.fr')!;
    assert.equal(atChu.id, 'role-eloise.martinAch-rennes.mssante.fr');
    assert.deepEqual(atChu.practitioner, { reference: 'Practitioner/pr-810100271385', display: 'Dr Éloïse Martin' });
    assert.deepEqual(atChu.organization, { reference: 'Organization/org-350000001', display: 'CHU de Rennes' });
    assert.deepEqual(atChu.code![0]!.coding, [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante', code: '10', display: 'Médecin' }]);
    assert.deepEqual(atChu.specialty![0]!.coding, [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale', code: 'SM04', display: 'Cardiologie et maladies vasculaires' }]);

    const addresses = async (path: string) => resources(await search<PractitionerRole>(path)).flatMap(mailboxesOf).sort();
    assert.deepEqual(await addresses('/fhir/PractitionerRole?organization=Organization/org-350000001'), ['eloise.martin@ch-rennes.mssante.fr', `loic.legall@${D}`]);
    assert.deepEqual(await addresses('/fhir/PractitionerRole?specialty=SM04'), ['eloise.martin@ch-rennes.mssante.fr']);
    assert.deepEqual(await addresses('/fhir/PractitionerRole?role=60'), ['jean.ndiaye@ch-brest.mssante.fr']);
    assert.deepEqual(await addresses('/fhir/PractitionerRole?name=jean&address-postalcode=29200'), ['jean.ndiaye@ch-brest.mssante.fr']);
    assert.deepEqual(await addresses('/fhir/PractitionerRole?identifier=10100271385&organization=org-350000001'), ['eloise.martin@ch-rennes.mssante.fr']);

    assert.deepEqual(await fhir<PractitionerRole>(`/fhir/PractitionerRole/${atChu.id}`), atChu);
    // An address too long for an id is named by its beginning and a digest, and still read back.
    const [long] = resources(await search<PractitionerRole>(`/fhir/PractitionerRole?mailbox=${encodeURIComponent(LONG_ADDRESS)}`));
    assert.ok(long!.id!.length <= 64);
    assert.match(long!.id!, /Z[0-9a-f]{12}$/);
    assert.deepEqual(mailboxesOf(await fhir<PractitionerRole>(`/fhir/PractitionerRole/${long!.id}`)), [LONG_ADDRESS]);
    // A service mailbox is no practitioner's role.
    await fhir(`/fhir/PractitionerRole/role-dpiAch-rennes.mssante.fr`, 404);
  } finally {
    await app.close();
  }
});

engineTest('FHIR paging: _count, links self/previous/next followed to the end, the same total on every page', async (_t, rt) => {
  const { app, url, search } = await directory(rt);
  try {
    const seen: string[] = [];
    let next: string | undefined = '/fhir/Practitioner?name=dupont&_count=20';
    let pages = 0;
    while (next) {
      const page: Bundle<Practitioner> = await search<Practitioner>(next.replace(url, ''));
      pages++;
      assert.equal(page.total, 45);
      const self = page.link!.find((link) => link.relation === 'self')!.url;
      assert.equal(new URL(self).searchParams.get('_page'), String(pages));
      assert.equal(new URL(self).searchParams.get('name'), 'dupont');
      assert.equal(page.link!.some((link) => link.relation === 'previous'), pages > 1);
      seen.push(...resources(page).map((resource) => resource.id!));
      next = page.link!.find((link) => link.relation === 'next')?.url;
    }
    assert.equal(pages, 3);
    assert.equal(seen.length, 45);
    assert.equal(new Set(seen).size, 45, 'no practitioner twice');
    const countOnly = await search<Practitioner>('/fhir/Practitioner?name=dupont&_count=0');
    assert.equal(countOnly.total, 45);
    assert.equal(countOnly.entry?.length ?? 0, 0);
    const beyond = await search<Practitioner>('/fhir/Practitioner?name=dupont&_page=9');
    assert.equal(beyond.total, 45);
    assert.equal(beyond.entry?.length ?? 0, 0);

    // Roles page straight through the directory search (one mailbox, one role).
    const roles: string[] = [];
    let link: string | undefined = '/fhir/PractitionerRole?address-postalcode=750&_count=20';
    while (link) {
      const page: Bundle<PractitionerRole> = await search<PractitionerRole>(link.replace(url, ''));
      assert.equal(page.total, 45);
      roles.push(...resources(page).flatMap(mailboxesOf) as string[]);
      link = page.link!.find((item) => item.relation === 'next')?.url;
    }
    assert.equal(new Set(roles).size, 45);
    assert.ok(roles.every((address) => /^jean\d\d\.dupont@/.test(address)));
  } finally {
    await app.close();
  }
});

engineTest('FHIR never shows a liste rouge or hidden mailbox: not by name, address, identifier, structure or id', async (_t, rt) => {
  const { app, fhir, search } = await directory(rt);
  try {
    const hidden = [`anne.secretin@${D}`, `direction@${D}`, `ancien@${D}`];
    const bundles = [
      await search('/fhir/Practitioner?name=secretin'),
      await search('/fhir/Practitioner?identifier=10000000002'),
      await search('/fhir/Practitioner?identifier=810000000002'),
      await search(`/fhir/Practitioner?mailbox=anne.secretin`),
      await search('/fhir/PractitionerRole?name=anne'),
      await search('/fhir/PractitionerRole?organization=org-350000001&_count=50'),
      await search('/fhir/Organization?name=chu'),
      await search(`/fhir/Organization?mailbox=direction%40${D}`),
      await search(`/fhir/Organization?mailbox=ancien`),
      await search('/fhir/Practitioner?address-postalcode=35&_count=50'),
    ];
    for (const bundle of bundles) for (const address of everyAddress(bundle)) assert.ok(!hidden.includes(address.toLowerCase()), `${address} leaked`);
    assert.equal(bundles[0]!.total, 0);
    assert.equal(bundles[2]!.total, 0, 'the national entry of an address the operator holds on the liste rouge');
    await fhir('/fhir/Practitioner/pr-810000000002', 404);
    await fhir(`/fhir/PractitionerRole/${roleId(`anne.secretin@${D}`)}`, 404);
  } finally {
    await app.close();
  }
});

engineTest('FHIR refusals are OperationOutcomes: unknown parameter 400, bad value 400, unknown id 404, logged out 401; metadata lists exactly what works', async (_t, rt) => {
  const { app, url, fhir } = await directory(rt);
  try {
    const outcome = async (path: string, status: number, code: string, init?: RequestInit) => {
      const response = init ? await fetch(`${url}${path}`, init) : await fetch(`${url}${path}`, { headers: { cookie: '' } });
      const body = (await response.json()) as { resourceType: string; issue: { code: string; diagnostics: string }[] };
      assert.equal(response.status, status, `${path}: ${JSON.stringify(body)}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/fhir\+json/);
      assertFhir(body);
      assert.equal(body.issue[0]!.code, code, path);
      return body.issue[0]!.diagnostics;
    };
    const session = await logIn(url, 'lgall');
    const logged = { headers: { cookie: session.cookie } };
    assert.match(await outcome('/fhir/Practitioner?gender=female', 400, 'not-supported', logged), /unknown parameter "gender"/);
    assert.match(await outcome('/fhir/Practitioner?name:exact=Martin', 400, 'not-supported', logged), /name:exact/);
    await outcome('/fhir/Practitioner?name=a&name=b', 400, 'invalid', logged);
    await outcome('/fhir/Practitioner?name=martin,dupont', 400, 'invalid', logged);
    await outcome('/fhir/Practitioner?address-postalcode=35A', 400, 'invalid', logged);
    await outcome('/fhir/Practitioner?_count=51', 400, 'invalid', logged);
    await outcome('/fhir/Practitioner?mailbox=a&mailbox-mss=b', 400, 'invalid', logged);
    await outcome('/fhir/PractitionerRole?practitioner=Patient/1', 400, 'invalid', logged);
    await outcome('/fhir/Practitioner/pr-899999999999', 404, 'not-found', logged);
    await outcome('/fhir/Organization/org-999999999', 404, 'not-found', logged);
    await outcome('/fhir/Organization/unrelated', 404, 'not-found', logged);
    await outcome('/fhir/PractitionerRole/role-nobodyAnowhere.fr', 404, 'not-found', logged);
    await outcome('/fhir/Patient?name=x', 404, 'not-supported', logged);
    await outcome('/fhir/Practitioner?name=martin', 401, 'login');
    await outcome('/fhir/Practitioner/pr-810100271385', 401, 'login');
    await outcome('/fhir/Practitioner?gender=female', 401, 'login');

    const capability = await fhir<CapabilityStatement>('/fhir/metadata');
    assert.equal(capability.fhirVersion, '4.0.1');
    const listed = capability.rest![0]!.resource!;
    assert.deepEqual(listed.map((resource) => resource.type).sort(), ['Organization', 'Practitioner', 'PractitionerRole']);
    const sample: Record<string, string> = {
      name: 'martin',
      identifier: '10100271385',
      'address-postalcode': '35',
      mailbox: 'eloise',
      'mailbox-mss': 'eloise',
      practitioner: 'Practitioner/pr-810100271385',
      organization: 'Organization/org-350000001',
      role: '10',
      specialty: 'SM04',
      _count: '5',
      _page: '1',
    };
    for (const resource of listed) {
      assert.deepEqual(resource.interaction!.map((interaction) => interaction.code), ['read', 'search-type']);
      for (const param of resource.searchParam!) {
        assert.ok(param.name in sample, `a sample value for ${param.name}`);
        await fhir(`/fhir/${resource.type}?${param.name}=${encodeURIComponent(sample[param.name]!)}`);
      }
    }
  } finally {
    await app.close();
  }
});

engineTest('FHIR refuses a search too wide to gather (too-costly) and still answers one that names a practitioner or a structure', async (_t, rt) => {
  const { app, client, search } = await directory(rt, MAX_MATCHES + 1);
  try {
    const response = await client.get('/fhir/Organization?address-postalcode=13');
    assert.equal(response.status, 400);
    const body = (await response.json()) as { issue: { code: string; diagnostics: string }[] };
    assertFhir(body);
    assert.equal(body.issue[0]!.code, 'too-costly');
    assert.match(body.issue[0]!.diagnostics, /refine the search/);
    const clinic = resources(await search<Organization>('/fhir/Organization?identifier=130000009&address-postalcode=13'));
    assert.equal(clinic.length, 1);
    assert.equal(clinic[0]!.telecom!.length, MAX_MATCHES + 1);
    assert.equal((await search('/fhir/PractitionerRole?address-postalcode=13')).total, 0, 'no personal mailbox there');
  } finally {
    await app.close();
  }
});

test('FHIR ids: directory keys encoded reversibly within 64 id characters', () => {
  for (const text of ['eloise.martin@ch-rennes.mssante.fr', 'jean_luc+test@x.fr', 'Structure R10', 'héloïse@é.fr', '810100271385']) {
    const id = encodeId(text);
    assert.match(id, /^[A-Za-z0-9.-]+$/);
    assert.equal(decodeId(id), text);
  }
  assert.equal(encodeId('eloise.martin@ch-rennes.mssante.fr'), 'eloise.martinAch-rennes.mssante.fr');
  for (const bad of ['eloise!', 'XZZ', 'X4', 'Q']) assert.equal(decodeId(bad), null, bad);
  assert.deepEqual(parseRoleId(roleId('a@b.fr')), { kind: 'address', addressKey: 'a@b.fr' });
  const long = roleId(LONG_ADDRESS);
  assert.ok(long.length <= 64);
  const parsed = parseRoleId(long);
  assert.equal(parsed?.kind, 'digest');
  assert.ok(parsed?.kind === 'digest' && LONG_ADDRESS.startsWith(parsed.prefix) && parsed.prefix.length > 20);
});
