import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { engineTest } from '../support/engines.ts';
import { openAs, rawMessage, send } from '../support/fixtures.ts';
import { assertAccessible } from './support/axe.ts';
import { assertNoPageErrors, DESKTOP, launchBrowser, newPerson, PHONE, screenshot, serveWeb } from './support/browser.ts';
import { logInThroughUi } from './support/login.ts';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const D = 'demo.mssante.test';

/** axe on the desktop layout and on the phone layout (the list or the reader alone, the drawer closed). */
async function assertAccessibleAtBothSizes(page: Page, what: string): Promise<void> {
  await assertAccessible(page, `${what} (desktop)`);
  await page.setViewportSize(PHONE);
  await assertAccessible(page, `${what} (phone)`);
  await page.setViewportSize(DESKTOP);
}

engineTest('browser: login, inbox, reader, compose and Suivi have no serious or critical axe violation (screenshots with MISSIVE_SCREENSHOTS)', async (_t, rt) => {
  const { app, url } = await serveWeb(rt);
  const person = await newPerson(browser);
  const { context, page } = person;
  try {
    await send(
      rt.ctx,
      `emartin@${D}`,
      'emartin',
      rawMessage({
        from: `Éloïse Martin <emartin@${D}>`,
        to: [`khaddad@${D}`],
        subject: 'Bilan sanguin de M. Girard',
        body: 'Bonjour Karim,\r\nci-joint le bilan de M. Girard : créatinine à contrôler dans un mois.\r\nBien à vous,\r\nÉloïse Martin',
        attachment: { name: 'bilan-girard.pdf', bytes: Buffer.from('%PDF-1.4\n% bilan\n') },
      }),
    );
    const reply = await send(rt.ctx, `khaddad@${D}`, 'khaddad', rawMessage({ from: `khaddad@${D}`, to: [`emartin@${D}`, `sbernard@${D}`], subject: 'Pansement de Mme Lefèvre', body: 'Pansement refait ce matin, cicatrisation correcte.' }));
    await openAs(rt.ctx, 'emartin', reply.messageId);

    await page.goto(url);
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    await assertAccessibleAtBothSizes(page, 'the login page');
    await screenshot(page, 'login');

    await logInThroughUi(page, url, 'khaddad');
    await page.getByRole('link', { name: /Bilan sanguin de M\. Girard/ }).waitFor();
    await assertAccessibleAtBothSizes(page, 'the inbox');
    await screenshot(page, 'inbox');

    await page.getByRole('link', { name: /Bilan sanguin de M\. Girard/ }).click();
    await page.getByText('créatinine à contrôler dans un mois.').waitFor();
    await page.getByRole('link', { name: /Télécharger bilan-girard\.pdf/ }).waitFor();
    await assertAccessibleAtBothSizes(page, 'the reader');
    await screenshot(page, 'reader');

    await page.getByRole('button', { name: 'Nouveau message' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nouveau message' }).waitFor();
    await page.getByLabel('À', { exact: true }).fill(`emartin@${D},`);
    await page.getByLabel('Objet', { exact: true }).fill('Passage de demain');
    await page.getByLabel('Message', { exact: true }).fill('Bonjour,\nje passerai vers 10 h.');
    await assertAccessibleAtBothSizes(page, 'the compose');
    await screenshot(page, 'compose');

    await page.getByRole('link', { name: 'Suivi' }).click();
    await page.getByRole('button', { name: /Pansement de Mme Lefèvre/ }).click();
    await page.getByRole('row', { name: /emartin@demo\.mssante\.test/ }).getByText(/^Ouvert le /).waitFor();
    await assertAccessibleAtBothSizes(page, 'Suivi');
    await screenshot(page, 'tracking');

    await page.goto(`${url}/settings/preferences`);
    await page.getByRole('heading', { level: 1, name: 'Préférences' }).waitFor();
    await page.getByLabel('M’avertir par e-mail quand un message que j’ai envoyé est ouvert').waitFor();
    await assertAccessibleAtBothSizes(page, 'the preferences');
    await screenshot(page, 'preferences');

    // Security: an application password for a mail client, shown once, then listed without it.
    await page.goto(`${url}/settings/security`);
    await page.getByLabel('Logiciel', { exact: true }).fill('Thunderbird du cabinet');
    await page.getByRole('button', { name: 'Créer un mot de passe' }).click();
    const secret = await page.getByLabel('Le mot de passe', { exact: true }).textContent();
    assert.match(secret ?? '', /^[a-z2-7]{5}(?:-[a-z2-7]{5}){7}$/);
    await page.getByRole('button', { name: 'Révoquer le mot de passe Thunderbird du cabinet' }).waitFor();
    await assertAccessibleAtBothSizes(page, 'the security page');
    await page.getByRole('list', { name: 'Mots de passe d’application' }).evaluate((list) => list.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'security');
    await page.getByRole('button', { name: 'C’est fait, le masquer' }).click();
    assert.equal(await page.getByText(secret!).count(), 0, 'the secret is shown once');
    // A bearer token for XOAUTH2 / OAUTHBEARER, for 8 hours: shown once, listed with its expiry.
    await page.getByLabel('Logiciel qui utilisera le jeton').fill('Logiciel du cabinet');
    await page.getByLabel('Durée').selectOption('8');
    await page.getByRole('button', { name: 'Créer un jeton' }).click();
    const token = await page.getByLabel('Le jeton', { exact: true }).textContent();
    assert.match(token ?? '', /^mst_[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'Révoquer le jeton Logiciel du cabinet' }).waitFor();
    await assertAccessibleAtBothSizes(page, 'the security page with a token');
    await page.getByRole('list', { name: 'Jetons d’accès' }).evaluate((list) => list.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'security-tokens');
    await page.getByRole('button', { name: 'C’est fait, le masquer' }).click();
    assert.equal(await page.getByText(token!).count(), 0, 'the token is shown once');
    await page.getByRole('button', { name: 'Révoquer le jeton Logiciel du cabinet' }).click();
    await page.getByText('Aucun jeton en cours de validité.').waitFor();
    assertNoPageErrors(person, 'khaddad');
  } finally {
    await context.close();
    await app.close();
  }
});
