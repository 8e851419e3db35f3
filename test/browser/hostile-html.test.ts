import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { engineTest } from '../support/engines.ts';
import { crlf, send } from '../support/fixtures.ts';
import { assertNoPageErrors, launchBrowser, newPerson, serveWeb } from './support/browser.ts';
import { logInThroughUi } from './support/login.ts';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const D = 'demo.mssante.test';

// Each trap, had it run, would tell the page that shows it (postMessage crosses any origin),
// change what it can reach, or open a dialog.
const HOSTILE = [
  '<p>Résultats <b>normaux</b>, à revoir dans un mois.</p>',
  "<script>parent.postMessage('script', '*'); document.body.appendChild(document.createElement('p')).id = 'script-ran'; try { top.document.title = 'pwned'; } catch (e) {} alert('script');</script>",
  "<img src=x onerror=\"parent.postMessage('onerror', '*'); alert('onerror')\">",
  "<a href=\"javascript:parent.postMessage('link', '*')\">voir le dossier</a>",
].join('\n');

engineTest('browser: a mail with <script>, onerror and a javascript: link renders inert in a sandboxed frame', async (_t, rt) => {
  const { app, url } = await serveWeb(rt);
  const person = await newPerson(browser);
  const { context, page } = person;
  try {
    await send(
      rt.ctx,
      `emartin@${D}`,
      'emartin',
      crlf(`From: emartin@${D}`, `To: khaddad@${D}`, 'Subject: Résultats piégés', 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', HOSTILE, ''),
    );
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const popups: string[] = [];
    context.on('page', (opened) => popups.push(opened.url()));

    await logInThroughUi(page, url, 'khaddad');
    // Everything posted to the application's window is recorded, from any frame.
    await page.evaluate("window.__posted = []; window.addEventListener('message', (event) => window.__posted.push(String(event.data)))");
    await page.getByRole('link', { name: /Résultats piégés/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Résultats piégés' }).waitFor();

    const iframe = page.locator('iframe[title="Contenu du message"]');
    await iframe.waitFor();
    const sandbox = (await iframe.getAttribute('sandbox'))?.split(/\s+/) ?? null;
    assert.ok(sandbox, 'the message frame has no sandbox attribute');
    assert.ok(!sandbox.includes('allow-scripts'), `sandbox allows scripts: ${sandbox.join(' ')}`);
    assert.ok(!sandbox.includes('allow-same-origin'), `sandbox allows the same origin: ${sandbox.join(' ')}`);

    const frame = page.frameLocator('iframe[title="Contenu du message"]');
    await frame.getByText('Résultats normaux, à revoir dans un mois.').waitFor();
    assert.equal(await frame.locator('script').count(), 0, 'a script element reached the frame');
    assert.equal(await frame.locator('[onerror]').count(), 0, 'an onerror attribute reached the frame');
    assert.equal(await frame.locator('#script-ran').count(), 0, 'the script ran');
    const link = frame.getByText('voir le dossier');
    assert.doesNotMatch((await link.getAttribute('href')) ?? '', /javascript:/i);
    await link.click();

    // The recorder works (a message posted now arrives), and it got nothing else.
    await page.evaluate("window.postMessage('control', '*')");
    await page.waitForFunction("window.__posted.includes('control')");
    assert.deepEqual(await page.evaluate<string[]>('window.__posted'), ['control']);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(popups, []);
    assert.doesNotMatch(await page.title(), /pwned/);
    assertNoPageErrors(person, 'khaddad');
  } finally {
    await context.close();
    await app.close();
  }
});
