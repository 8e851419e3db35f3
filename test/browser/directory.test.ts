import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser, Page, Request, Route } from 'playwright-core';
import { addressKey } from '../../src/core/address.ts';
import { ALL_RIGHTS } from '../../src/core/mailbox.ts';
import { addMailbox, addStructure, addUser } from '../../src/services/accounts.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import type { EntryRow } from '../../src/store/repositories/directory.ts';
import { PASSWORD } from '../http/login.ts';
import { engineTest } from '../support/engines.ts';
import { activateNational, nationalEntry } from '../support/national-directory.ts';
import { assertAccessible } from './support/axe.ts';
import { assertNoPageErrors, DESKTOP, launchBrowser, newPerson, PHONE, screenshot, serveWeb, until } from './support/browser.ts';
import { logInThroughUi } from './support/login.ts';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const D = 'demo.mssante.test';

/** The operator's own people: a physician and a nurse of the CHU, the cardiology service's mailbox. */
async function seedRegional(ctx: ServiceContext): Promise<void> {
  const chu = await addStructure(ctx, { name: 'CHU de Rennes', finess: '350000488', postcode: '35033', city: 'Rennes' });
  const people = [
    { id: 'elefevre', displayName: 'Dr Éloïse Lefèvre', lastName: 'Lefèvre', firstName: 'Éloïse', rpps: '10101234567', profession: 'Médecin', address: `eloise.lefevre@${D}` },
    { id: 'hnguyen', displayName: 'Hélène Nguyen', lastName: 'Nguyen', firstName: 'Hélène', rpps: '10107654321', profession: 'Infirmière', address: `helene.nguyen@${D}` },
  ];
  for (const { address, ...person } of people) {
    await addUser(ctx, { ...person, password: PASSWORD, structureId: chu, notifyEmail: `${person.id}@exemple.fr` });
    await addMailbox(ctx, { address, kind: 'PER', displayName: person.displayName, members: [{ userId: person.id, rights: ALL_RIGHTS }] });
  }
  await addMailbox(ctx, { address: `cardiologie@${D}`, kind: 'ORG', displayName: 'Service de cardiologie', structureId: chu, members: [{ userId: 'elefevre', rights: ALL_RIGHTS }] });
}

type National = Partial<EntryRow> & { address: string; kind: string };

// First name, surname, civility, postcode, town.
const NURSES: [string, string, string, string, string][] = [
  ['Anaïs', 'Le Goff', 'MME', '35000', 'Rennes'], ['Maëlle', 'Guérin', 'MME', '35000', 'Rennes'], ['Noémie', 'Hervé', 'MME', '35830', 'Betton'],
  ['Chloé', 'Prigent', 'MME', '35300', 'Fougères'], ['Gaëlle', 'Le Bihan', 'MME', '35500', 'Vitré'], ['Agnès', 'Riou', 'MME', '35135', 'Chantepie'],
  ['Léa', 'Bréal', 'MME', '35310', 'Bréal-sous-Montfort'], ['Zoé', 'Le Floc’h', 'MME', '35400', 'Saint-Malo'], ['Inès', 'Morvan', 'MME', '35000', 'Rennes'],
  ['Camille', 'Quéré', 'MME', '35740', 'Pacé'], ['Mathéo', 'Jégou', 'M', '35170', 'Bruz'], ['Jérôme', 'Le Corre', 'M', '35000', 'Rennes'],
  ['Clément', 'Tanguy', 'M', '35600', 'Redon'], ['Loïc', 'Le Roux', 'M', '35760', 'Saint-Grégoire'], ['Gwénaël', 'Kerhervé', 'M', '35800', 'Dinard'],
  ['Yannick', 'Péron', 'M', '35160', 'Montfort-sur-Meu'], ['Solène', 'Guillou', 'MME', '35510', 'Cesson-Sévigné'], ['Océane', 'Le Gall', 'MME', '35340', 'Liffré'],
  ['Renée', 'Cadiou', 'MME', '35400', 'Saint-Malo'], ['Anne-Laure', 'Ménard', 'MME', '35150', 'Janzé'], ['François', 'Lemée', 'M', '35300', 'Fougères'],
  ['Pénélope', 'Hamon', 'MME', '35270', 'Combourg'], ['Benoît', 'Le Meur', 'M', '35500', 'Vitré'], ['Aurélie', 'Conan', 'MME', '35120', 'Dol-de-Bretagne'],
  ['Rozenn', 'Nédélec', 'MME', '35410', 'Châteaugiron'], ['Thérèse', 'Boëdec', 'MME', '35520', 'Melesse'],
];

const plain = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[’' ]/g, '').toLowerCase();

/** A national directory: 26 nurses of Ille-et-Vilaine, physicians elsewhere, a practice, an application. */
function nationalEntries(): National[] {
  const nurses = NURSES.map(([first, last, civility, postcode, city], index) => ({
    address: `${plain(first)}.${plain(last)}@infirmier.mssante.fr`,
    kind: 'PER',
    national_id: `8100300${String(10000 + index)}`,
    civility,
    first_name: first,
    last_name: last,
    profession_code: '60',
    profession_label: 'Infirmier',
    postcode,
    city,
    department: '35',
  }));
  return [
    ...nurses,
    {
      address: 'eloise.brehat@chu-brest.mssante.fr',
      kind: 'PER',
      national_id: '810004567890',
      civility: 'DR',
      first_name: 'Éloïse',
      last_name: 'Bréhat',
      profession_code: '10',
      profession_label: 'Médecin',
      speciality_code: 'SM04',
      speciality_label: 'Cardiologie et maladies vasculaires',
      structure_id: '290000017',
      structure_name: 'CHU de Brest',
      service: 'Cardiologie',
      postcode: '29200',
      city: 'Brest',
      department: '29',
    },
    {
      address: 'yves.ledreau@medecin.mssante.fr',
      kind: 'PER',
      national_id: '810005678901',
      civility: 'DR',
      first_name: 'Yves',
      last_name: 'Le Dréau',
      profession_code: '10',
      profession_label: 'Médecin',
      speciality_code: 'SM54',
      speciality_label: 'Médecine générale',
      postcode: '35000',
      city: 'Rennes',
      department: '35',
    },
    { address: 'cabinet.thabor@medecin.mssante.fr', kind: 'CAB', structure_id: '35123456700012', structure_name: 'Cabinet médical du Thabor', postcode: '35000', city: 'Rennes', department: '35' },
    { address: 'dpi@chu-rennes.mssante.fr', kind: 'APP', structure_id: '350000489', structure_name: 'CHU de Rennes', service: 'Dossier patient informatisé', postcode: '35033', city: 'Rennes', department: '35' },
    { address: 'urgences@ch-saint-malo.mssante.fr', kind: 'ORG', structure_id: '350000139', structure_name: 'CH de Saint-Malo', service: 'Urgences', postcode: '35400', city: 'Saint-Malo', department: '35' },
  ];
}

/** Stores the national entries as the active generation, as an import would leave them. */
async function seedNational(ctx: ServiceContext): Promise<void> {
  const id = 'gen-browser-test';
  const rows = nationalEntries().map((entry) =>
    nationalEntry(id, {
      country: 'FR',
      ...entry,
      pp_id_type: entry.national_id ? '8' : null,
      pp_id: entry.national_id ? entry.national_id.slice(1) : null,
      address_key: addressKey(entry.address),
    }),
  );
  await activateNational(ctx, id, rows);
}

/** The result cards' names, in order. */
async function cardNames(page: Page): Promise<string[]> {
  return page.getByRole('list', { name: 'Correspondants trouvés' }).getByRole('heading', { level: 3 }).allTextContents();
}

/** The results heading, once it says `text` ("2 correspondants", "26 correspondants · page 2 sur 2"). */
async function resultsSay(page: Page, text: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 2, name: text, exact: typeof text === 'string' }).waitFor();
}

engineTest('browser: the directory page searches as you type, filters, pages, opens compose; compose suggests from the directory; axe clean (screenshots with MISSIVE_SCREENSHOTS)', async (_t, rt) => {
  const { app, url } = await serveWeb(rt);
  await seedRegional(rt.ctx);
  await seedNational(rt.ctx);
  const person = await newPerson(browser);
  const { context, page } = person;
  try {
    await logInThroughUi(page, url, 'emartin');
    await page.getByRole('navigation', { name: 'Boîtes aux lettres et dossiers' }).getByRole('link', { name: 'Annuaire' }).click();
    await page.getByRole('heading', { level: 1, name: 'Annuaire' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/directory');
    // Nothing asked yet: the page says what to type rather than listing the whole country.
    await page.getByRole('heading', { level: 2, name: 'Recherchez un correspondant' }).waitFor();
    const search = page.getByLabel('Rechercher dans l’annuaire', { exact: true });
    assert.equal(await search.evaluate((element) => element === document.activeElement), true, 'the search field has focus on arrival');

    // "elo" without its accent finds Éloïse, here (regional) and in Brest (national).
    await search.pressSequentially('elo');
    await resultsSay(page, '2 correspondants');
    assert.deepEqual((await cardNames(page)).sort(), ['Dr Éloïse Bréhat', 'Dr Éloïse Lefèvre']);
    const lefevre = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Dr Éloïse Lefèvre' }) });
    await lefevre.getByText('Annuaire régional').waitFor();
    await lefevre.getByText('eloise.lefevre@demo.mssante.test').waitFor();
    await lefevre.getByText('CHU de Rennes').waitFor();
    await lefevre.getByText('35033 Rennes').waitFor();
    await lefevre.getByText('Personnelle').waitFor();
    const brehat = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Dr Éloïse Bréhat' }) });
    await brehat.getByText('Annuaire national').waitFor();
    await brehat.getByText('Médecin · Cardiologie et maladies vasculaires').waitFor();
    await brehat.getByText('CHU de Brest — Cardiologie').waitFor();
    await brehat.getByText('RPPS 10004567890').waitFor();
    // The address bar follows the search.
    assert.equal(new URL(page.url()).searchParams.get('q'), 'elo');

    // A filter narrows it down: Ille-et-Vilaine keeps the Rennes physician only.
    await page.getByLabel('Département', { exact: true }).selectOption('35');
    await resultsSay(page, '1 correspondant');
    assert.deepEqual(await cardNames(page), ['Dr Éloïse Lefèvre']);

    // A search nothing matches says so, and offers to drop the filters.
    await search.fill('elo zzz');
    await page.getByRole('heading', { level: 2, name: 'Aucun correspondant trouvé' }).waitFor();
    await page.getByText('Rien ne correspond à « elo zzz » avec ces critères.').waitFor();
    await page.getByRole('button', { name: 'Effacer les filtres' }).first().waitFor();

    // Pages of 20: the nurses of the national directory, by profession.
    await search.fill('');
    await page.getByLabel('Profession', { exact: true }).selectOption({ label: 'Infirmier' });
    await resultsSay(page, '26 correspondants · page 1 sur 2');
    const first = await cardNames(page);
    assert.equal(first.length, 20);
    await page.getByRole('navigation', { name: 'Pages de résultats' }).getByRole('button', { name: 'Suivante' }).click();
    await resultsSay(page, '26 correspondants · page 2 sur 2');
    const second = await cardNames(page);
    assert.equal(second.length, 6);
    assert.deepEqual(
      second.filter((name) => first.includes(name)),
      [],
      'page 2 shows the next correspondents',
    );
    // The new page's heading has focus, so the keyboard and a screen reader start from the results.
    assert.equal(await page.evaluate(() => document.activeElement?.textContent ?? ''), '26 correspondants · page 2 sur 2');
    assert.equal(new URL(page.url()).searchParams.get('page'), '2');
    await page.getByRole('button', { name: 'Précédente' }).click();
    await resultsSay(page, '26 correspondants · page 1 sur 2');
    assert.deepEqual(await cardNames(page), first);

    // A reload keeps the search (it is in the address).
    await page.reload();
    await resultsSay(page, '26 correspondants · page 1 sur 2');
    assert.equal(await page.getByLabel('Profession', { exact: true }).inputValue(), '60');

    // The screenshots and axe: a mixed search (regional and national, every kind), filters cleared.
    await page.getByRole('button', { name: 'Effacer les filtres' }).click();
    await search.fill('rennes');
    await resultsSay(page, '10 correspondants');
    await page.getByRole('heading', { level: 3, name: 'Cabinet médical du Thabor' }).waitFor();
    await page.getByRole('heading', { level: 3, name: 'Service de cardiologie' }).waitFor();
    await assertAccessible(page, 'the directory (desktop)');
    await page.setViewportSize(PHONE);
    await assertAccessible(page, 'the directory (phone)');
    // On a phone the filters fold behind a button.
    assert.equal(await page.getByLabel('Profession', { exact: true }).isVisible(), false);
    await page.getByRole('button', { name: 'Filtres', exact: true }).click();
    await page.getByLabel('Profession', { exact: true }).waitFor();
    await assertAccessible(page, 'the directory with its filters open (phone)');
    await page.getByRole('button', { name: 'Filtres', exact: true }).click();
    await page.setViewportSize(DESKTOP);
    // Neither focus nor hover in the pictures.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.mouse.move(0, 0);
    await screenshot(page, 'directory');

    // "Écrire" opens compose with that correspondent in To, ready for the subject.
    await search.fill('eloise lef');
    await resultsSay(page, '1 correspondant');
    await page.getByRole('button', { name: 'Écrire à Dr Éloïse Lefèvre' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nouveau message' }).waitFor();
    await page.locator('.token').filter({ hasText: 'eloise.lefevre@demo.mssante.test' }).waitFor();
    assert.equal(await page.getByLabel('Objet', { exact: true }).evaluate((element) => element === document.activeElement), true, 'the subject has focus');

    // Compose's autocomplete asks the directory, and only the latest query's answer counts.
    const held: Route[] = [];
    const superseded = (request: Request) => new URL(request.url()).searchParams.get('q') === 'b';
    const directoryApi = (address: URL) => address.pathname === '/api/v1/directory';
    await page.route(directoryApi, (route) => (superseded(route.request()) ? void held.push(route) : route.continue()));
    const aborted = page.waitForEvent('requestfailed', (request) => superseded(request));
    await page.getByRole('button', { name: 'Ajouter Cc' }).click();
    const cc = page.getByLabel('Cc', { exact: true });
    await cc.pressSequentially('b');
    await until(async () => (held.length > 0 ? true : undefined), 'the autocomplete to ask for "b"');
    await cc.pressSequentially('reh');
    const suggestion = page.getByRole('option', { name: /Dr Éloïse Bréhat/ });
    await suggestion.waitFor();
    assert.match((await aborted).failure()?.errorText ?? '', /ABORTED/i, 'the superseded request was aborted');
    // Its answer, arriving late, changes nothing.
    await held[0]!.fulfill({ json: { total: 1, page: 1, limit: 8, entries: [{ address: 'perime@exemple.mssante.fr', kind: 'PER', source: 'national', name: 'Zoé Périmée', civility: null, lastName: null, firstName: null, nationalId: null, profession: null, speciality: null, structure: null, place: null }] } }).catch(() => {});
    await page.getByText('Médecin · Cardiologie et maladies vasculaires — CHU de Brest, Brest').waitFor();
    await page.getByText('eloise.brehat@chu-brest.mssante.fr').waitFor();
    assert.equal(await page.getByRole('option', { name: /Périmée/ }).count(), 0);
    await cc.press('Enter');
    await page.locator('.token').filter({ hasText: 'eloise.brehat@chu-brest.mssante.fr' }).waitFor();
    await page.unroute(directoryApi);

    // A colleague of the operator, by a first name typed without its accent, with the keyboard.
    const to = page.getByLabel('À', { exact: true });
    await to.focus();
    await to.pressSequentially('helene');
    const helene = page.getByRole('option', { name: /Hélène Nguyen/ });
    await helene.waitFor();
    await to.press('ArrowDown');
    await to.press('ArrowUp');
    assert.equal(await helene.getAttribute('aria-selected'), 'true');
    await to.press('Enter');
    await page.locator('.token').filter({ hasText: 'helene.nguyen@demo.mssante.test' }).waitFor();
    assertNoPageErrors(person, 'emartin');
  } finally {
    await context.close();
    await app.close();
  }
});
