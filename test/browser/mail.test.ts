import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { publicKeyFromPem, verifyReceipt } from '../../src/core/proof/receipt.ts';
import { engineTest } from '../support/engines.ts';
import { countRows } from '../support/fixtures.ts';
import { assertNoPageErrors, launchBrowser, newPerson, serveWeb } from './support/browser.ts';
import { startMessage } from './support/compose.ts';
import { logInThroughUi } from './support/login.ts';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A flag in the page's own memory: still there means no reload happened since it was set. */
const markDocument = (page: Page) => page.evaluate('window.__missiveTestDocument = true');
const sameDocument = (page: Page) => page.evaluate<boolean>('window.__missiveTestDocument === true');

engineTest('browser: a 3 MB attachment reaches an inbox already open, live; it downloads byte-exact and the sender sees the opening in Suivi', async (_t, rt) => {
  const { app, url } = await serveWeb(rt);
  const reader = await newPerson(browser);
  const sender = await newPerson(browser);
  try {
    // khaddad's inbox is open and listening before anything is sent.
    const live = reader.page.waitForResponse((response) => new URL(response.url()).pathname === '/api/v1/events' && response.status() === 200);
    await logInThroughUi(reader.page, url, 'khaddad');
    await live;
    await reader.page.getByText('Aucun message dans ce dossier.').waitFor();
    await markDocument(reader.page);

    await logInThroughUi(sender.page, url, 'emartin');
    const bytes = randomBytes(3 * 1024 * 1024);
    await startMessage(sender.page, 'khaddad@demo.mssante.test', 'Bilan sanguin de M. Girard', 'Bonjour Karim,\nci-joint le bilan complet.');
    await sender.page.locator('input[type="file"]').setInputFiles({ name: 'bilan-girard.bin', mimeType: 'application/octet-stream', buffer: bytes });
    const attachments = sender.page.getByRole('list', { name: 'Pièces jointes' });
    await attachments.getByRole('listitem').filter({ hasText: 'bilan-girard.bin' }).filter({ hasText: 'Prêt' }).waitFor();
    await sender.page.getByRole('button', { name: 'Envoyer' }).click();
    await sender.page.getByText('Message envoyé.').waitFor();

    // The sender follows it in Suivi: delivered, not opened yet.
    await sender.page.getByRole('link', { name: 'Suivi' }).click();
    await sender.page.getByRole('button', { name: /Bilan sanguin de M\. Girard/ }).click();
    const trackedRow = sender.page.getByRole('row', { name: /khaddad@demo\.mssante\.test/ });
    await trackedRow.getByText(/^Remis le /).waitFor();
    await trackedRow.getByText('Non ouvert').waitFor();
    await markDocument(sender.page);

    // It arrives on khaddad's screen by itself: no reload, no click.
    const row = reader.page.getByRole('link', { name: /Bilan sanguin de M\. Girard/ });
    await row.waitFor();
    assert.equal(await sameDocument(reader.page), true, 'the inbox was reloaded instead of updated live');
    await row.click();
    await reader.page.getByRole('heading', { level: 1, name: 'Bilan sanguin de M. Girard' }).waitFor();
    await reader.page.getByText('ci-joint le bilan complet.').waitFor();

    const [download] = await Promise.all([reader.page.waitForEvent('download'), reader.page.getByRole('link', { name: /Télécharger bilan-girard\.bin/ }).click()]);
    assert.equal(download.suggestedFilename(), 'bilan-girard.bin');
    const received = await readFile(await download.path());
    assert.equal(received.length, bytes.length);
    assert.equal(sha256(received), sha256(bytes));

    // The opening reaches the sender's Suivi while it is on screen.
    await trackedRow.getByText(/^Ouvert le \d{2}\/\d{2}\/\d{4}/).waitFor();
    await sender.page.getByText('Ouvert par tous').waitFor();
    assert.equal(await sameDocument(sender.page), true, 'Suivi was reloaded instead of updated live');

    // Suivi offers the receipt: the electronic one verifies with the operator's published key, the PDF says the same in French.
    const [json] = await Promise.all([sender.page.waitForEvent('download'), sender.page.getByRole('link', { name: 'Preuve électronique (JSON)' }).click()]);
    assert.match(json.suggestedFilename(), /^preuve-msg_\w+\.json$/);
    const key = publicKeyFromPem(await (await fetch(`${url}/.well-known/missive/proof-key.pem`)).text());
    const checked = verifyReceipt(JSON.parse(await readFile(await json.path(), 'utf8')), key);
    assert.deepEqual(checked.problems, []);
    // khaddad downloaded the attachment above: that is proven too.
    assert.deepEqual(checked.events.map((event) => event.type).sort(), ['attachment_downloaded', 'delivered', 'opened', 'submitted']);
    const [pdf] = await Promise.all([sender.page.waitForEvent('download'), sender.page.getByRole('link', { name: 'Preuve (PDF)' }).click()]);
    assert.match(pdf.suggestedFilename(), /^preuve-msg_\w+\.pdf$/);
    const text = (await promisify(execFile)('pdftotext', [await pdf.path(), '-'])).stdout.replace(/\s+/g, ' ');
    assert.ok(text.includes('Première lecture par khaddad@demo.mssante.test'), text);
    assertNoPageErrors(reader, 'khaddad');
    assertNoPageErrors(sender, 'emartin');
  } finally {
    await reader.context.close();
    await sender.context.close();
    await app.close();
  }
});

engineTest('browser: a file of 10 MB + 1 byte is refused in the compose with its name and the limit, and nothing is uploaded', async (_t, rt) => {
  const { app, url } = await serveWeb(rt);
  const person = await newPerson(browser);
  const { context, page } = person;
  try {
    const uploads: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/v1/uploads')) uploads.push(`${request.method()} ${request.url()}`);
    });
    await logInThroughUi(page, url, 'emartin');
    await startMessage(page, 'khaddad@demo.mssante.test', 'IRM', 'Voici l’IRM.');
    await page.locator('input[type="file"]').setInputFiles({ name: 'irm-complete.dcm', mimeType: 'application/dicom', buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 7) });

    const refusal = page.getByRole('alert').filter({ hasText: 'irm-complete.dcm' });
    await refusal.waitFor();
    const text = await refusal.innerText();
    assert.match(text, /« irm-complete\.dcm » dépasse 10 Mo/);
    assert.match(text, /limitée à 10 Mo/);
    assert.equal(await page.getByRole('list', { name: 'Pièces jointes' }).count(), 0);
    assert.deepEqual(uploads, []);
    assert.equal(await countRows(rt.ctx, 'upload'), 0);
    assertNoPageErrors(person, 'emartin');
  } finally {
    await context.close();
    await app.close();
  }
});
