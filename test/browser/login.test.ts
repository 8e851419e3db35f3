import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { PASSWORD } from '../http/login.ts';
import { engineTest } from '../support/engines.ts';
import { assertNoPageErrors, launchBrowser, newPerson, serveWeb } from './support/browser.ts';
import { codeSentAfter, lastOutboxSeq, logInThroughUi } from './support/login.ts';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

engineTest('browser: logging in with identifier, password and the e-mailed code lands on the inbox', async (_t, rt) => {
  const { app, url } = await serveWeb(rt);
  const person = await newPerson(browser);
  const { context, page } = person;
  try {
    await logInThroughUi(page, url, 'emartin');
    assert.equal(new URL(page.url()).pathname.startsWith('/mail'), true, `landed on ${page.url()}`);
    await page.getByRole('navigation', { name: 'Boîtes aux lettres et dossiers' }).getByRole('link', { name: /^Boîte de réception/ }).first().waitFor();
    // The session survives a reload (cookie, CSRF token fetched again): the inbox, not the login.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Boîte de réception' }).waitFor();
    assertNoPageErrors(person, 'the user');
  } finally {
    await context.close();
    await app.close();
  }
});

engineTest('browser: French by default, English on request; Tab reaches the login fields and Enter submits each step', async (_t, rt) => {
  const { app, url } = await serveWeb(rt);
  // A browser in neither language gets French, the operator's language.
  const person = await newPerson(browser, { locale: 'de-DE' });
  const { context, page } = person;
  try {
    await page.goto(url);
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');

    await page.getByRole('button', { name: /^EN\b/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByRole('button', { name: /^FR\b/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();

    // From the top of the page, by keyboard only.
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    const focused = () => page.evaluate<string>('document.activeElement ? document.activeElement.id : ""');
    let presses = 0;
    while ((await focused()) !== 'login-identifier') {
      assert.ok(++presses <= 8, 'Tab never reached the identifier field');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type('khaddad');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'login-password');
    await page.keyboard.type(PASSWORD);
    const codesBefore = await lastOutboxSeq(url, 'khaddad');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Vérification de connexion' }).waitFor();
    // The code field takes the focus by itself: type and Enter.
    await page.waitForFunction('document.activeElement && document.activeElement.id === "login-code"');
    await page.keyboard.type(await codeSentAfter(url, 'khaddad', codesBefore));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Boîte de réception' }).waitFor();
    assertNoPageErrors(person, 'the user');
  } finally {
    await context.close();
    await app.close();
  }
});
