import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { engineTest } from '../support/engines.ts';
import { assertAccessible } from './support/axe.ts';
import { assertNoPageErrors, newPerson, launchBrowser, PHONE, screenshot, serveWeb, until, type Person } from './support/browser.ts';
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
type OutboxItem = { channel: string; recipient: string; subject: string; body: string };

/** What the development outbox holds for an address outside: the e-mail's link, and the SMS's code when there is one. */
async function noticeFor(url: string, address: string, phone?: string): Promise<{ mail: OutboxItem; link: string; code: string | null }> {
  return until(async () => {
    const outbox = (await (await fetch(`${url}/dev/outbox/messages.json`)).json()) as OutboxItem[];
    const mail = outbox.find((item) => item.channel === 'email' && item.recipient === address);
    const sms = phone ? outbox.find((item) => item.channel === 'sms' && item.recipient === phone) : undefined;
    if (!mail || (phone && !sms)) return undefined;
    return { mail, link: /(\/coffre\/[A-Za-z0-9_-]{43})/.exec(mail.body)![1]!, code: sms ? /(\d{8})/.exec(sms.body)![1]! : null };
  }, `the notification to ${address}`);
}

/** The vault's pages answer a wrong code (401) and a dead link (410) with their status: the browser logs it, nothing is wrong. */
function withoutPageStatuses(person: Person): Person {
  return { ...person, troubles: person.troubles.filter((trouble) => !/status of (401|410) \(.*\/coffre\//.test(trouble)) };
}

async function openOnPhone(page: Page, url: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await page.goto(url);
}

engineTest('browser: someone outside the trust space reads the notification, enters the SMS code on a phone, reads, downloads byte-exact, replies; the sender sees the opening and the reply', async (_t, rt) => {
  const { app, url } = await serveWeb(rt);
  const sender = await newPerson(browser);
  const outsider = await newPerson(browser);
  try {
    await logInThroughUi(sender.page, url, 'emartin');
    await startMessage(sender.page, 'm.durand@example.org', 'Résultats de l’IRM', 'Madame,\nvoici le compte rendu de votre IRM.');
    // The vault's choices appear for an address outside the trust space.
    const panel = sender.page.getByRole('group', { name: 'Destinataires hors de l’espace de confiance' });
    await panel.waitFor();
    await panel.getByLabel('Par SMS').check();
    await panel.getByLabel('Mobile de m.durand@example.org').fill('06 11 22 33 44');
    await panel.getByLabel('Réponses').selectOption('once');
    const bytes = randomBytes(200 * 1024);
    await sender.page.locator('input[type="file"]').setInputFiles({ name: 'irm-durand.pdf', mimeType: 'application/pdf', buffer: bytes });
    await sender.page.getByRole('list', { name: 'Pièces jointes' }).getByRole('listitem').filter({ hasText: 'Prêt' }).waitFor();
    await screenshot(sender.page, 'vault-compose');
    await sender.page.getByRole('button', { name: 'Envoyer' }).click();
    await sender.page.getByText('Message envoyé.').waitFor();

    // The notification says who and until when, nothing of the message.
    const notice = await noticeFor(url, 'm.durand@example.org', '+33611223344');
    assert.doesNotMatch(`${notice.mail.subject}\n${notice.mail.body}`, /IRM|compte rendu|irm-durand/i);

    await openOnPhone(outsider.page, `${url}${notice.link}`);
    await outsider.page.getByRole('heading', { level: 1, name: 'Message sécurisé' }).waitFor();
    await outsider.page.getByText(/Saisissez le code d’accès reçu par SMS/).waitFor();
    await assertAccessible(outsider.page, 'the vault code page');
    await screenshot(outsider.page, 'vault-code');
    await outsider.page.getByLabel('Code d’accès (8 chiffres)').fill('00000000');
    await outsider.page.getByRole('button', { name: 'Ouvrir le message' }).click();
    await outsider.page.getByRole('alert').filter({ hasText: 'Il vous reste 4 essais' }).waitFor();
    await outsider.page.getByLabel('Code d’accès (8 chiffres)').fill(notice.code!);
    await outsider.page.getByRole('button', { name: 'Ouvrir le message' }).click();
    await outsider.page.getByRole('heading', { level: 1, name: 'Résultats de l’IRM' }).waitFor();
    await outsider.page.getByText('voici le compte rendu de votre IRM.').waitFor();
    await assertAccessible(outsider.page, 'the vault message page');
    await screenshot(outsider.page, 'vault-message');

    const [download] = await Promise.all([outsider.page.waitForEvent('download'), outsider.page.getByRole('link', { name: 'irm-durand.pdf' }).click()]);
    assert.equal(download.suggestedFilename(), 'irm-durand.pdf');
    assert.equal(sha256(await readFile(await download.path())), sha256(bytes));

    await outsider.page.getByText('Vous pouvez répondre une fois.').waitFor();
    await outsider.page.getByLabel('Votre réponse').fill('Merci docteur, bien reçu.');
    await outsider.page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await outsider.page.getByText('Votre réponse a été envoyée à emartin.').waitFor();
    await outsider.page.getByText('Vous avez déjà envoyé la réponse permise.').waitFor();
    assertNoPageErrors(withoutPageStatuses(outsider), 'the outsider');

    // The sender: "ouvert le …" in Suivi, and the reply in the Inbox.
    await sender.page.getByRole('link', { name: 'Suivi' }).click();
    await sender.page.getByRole('button', { name: /Résultats de l’IRM/ }).click();
    const copy = sender.page.getByRole('region', { name: 'Coffre (hors espace de confiance)' });
    await copy.getByText(/^Ouvert le /).waitFor();
    await screenshot(sender.page, 'vault-tracking');
    await sender.page.getByRole('link', { name: /Boîte de réception/ }).first().click();
    await sender.page.getByRole('link', { name: /Re: Résultats de l’IRM/ }).waitFor();
    assertNoPageErrors(sender, 'emartin');
  } finally {
    await sender.context.close();
    await outsider.context.close();
    await app.close();
  }
});

engineTest('browser: a code to dictate is shown once; an expired link, a withdrawn one and one after five wrong codes each refuse with a clear page; "no reply" offers none', async (_t, rt) => {
  const { app, url } = await serveWeb(rt);
  const sender = await newPerson(browser);
  const outsider = await newPerson(browser);
  try {
    await logInThroughUi(sender.page, url, 'emartin');
    const send = async (to: string, subject: string, replies: 'none' | 'thread'): Promise<string> => {
      await startMessage(sender.page, to, subject, 'Bonjour.');
      const panel = sender.page.getByRole('group', { name: 'Destinataires hors de l’espace de confiance' });
      await panel.getByLabel('Réponses').selectOption(replies);
      await sender.page.getByRole('button', { name: 'Envoyer' }).click();
      const dialog = sender.page.getByRole('dialog', { name: 'Codes d’accès à communiquer' });
      const code = (await dialog.locator('code').innerText()).trim();
      assert.match(code, /^\d{8}$/);
      await screenshot(sender.page, 'vault-codes');
      await dialog.getByRole('button', { name: 'J’ai noté les codes' }).click();
      return code;
    };
    const enter = async (link: string, code: string) => {
      await outsider.page.goto(`${url}${link}`);
      await outsider.page.getByLabel('Code d’accès (8 chiffres)').fill(code);
      await outsider.page.getByRole('button', { name: 'Ouvrir le message' }).click();
    };

    // A patient, by INS and e-mail, with replies blocked: the patient's page offers none.
    await sender.page.getByRole('button', { name: 'Nouveau message' }).click();
    await sender.page.getByRole('button', { name: 'Écrire à un patient' }).click();
    const patientFields = sender.page.getByRole('group', { name: 'Patient' });
    await patientFields.getByLabel('INS').fill('1 84 06 75 123 456 42');
    await patientFields.getByText('Cet INS n’est pas valide').waitFor();
    await patientFields.getByLabel('INS').fill('1 84 06 75 123 456 41');
    await patientFields.getByLabel('E-mail du patient').fill('patient.a@example.org');
    await sender.page.getByLabel('Objet', { exact: true }).fill('Information importante');
    await sender.page.getByLabel('Message', { exact: true }).fill('Bonjour Madame.');
    await sender.page.getByRole('group', { name: 'Destinataires hors de l’espace de confiance' }).getByLabel('Réponses').selectOption('none');
    await screenshot(sender.page, 'vault-patient');
    await sender.page.getByRole('button', { name: 'Envoyer' }).click();
    const patientDialog = sender.page.getByRole('dialog', { name: 'Codes d’accès à communiquer' });
    const patientCode = (await patientDialog.locator('code').innerText()).trim();
    await patientDialog.getByRole('button', { name: 'J’ai noté les codes' }).click();
    const filed = await rt.ctx.sql.read.selectFrom('message').select('patient_ins').where('subject', '=', 'Information importante').executeTakeFirstOrThrow();
    assert.equal(filed.patient_ins, '184067512345641');
    const patient = await noticeFor(url, 'patient.a@example.org');
    await enter(patient.link, patientCode);
    await outsider.page.getByRole('heading', { level: 1, name: 'Information importante' }).waitFor();
    await outsider.page.getByText('L’expéditeur n’attend pas de réponse à ce message.').waitFor();
    assert.equal(await outsider.page.getByRole('button', { name: 'Envoyer la réponse' }).count(), 0);

    // Five wrong codes block the link.
    await send('b@example.org', 'Deuxième', 'thread');
    const blocked = await noticeFor(url, 'b@example.org');
    for (let i = 0; i < 5; i++) await enter(blocked.link, '99999999');
    await outsider.page.getByText('Ce lien est bloqué après cinq codes erronés. Demandez un nouveau code à l’expéditeur.').waitFor();
    await screenshot(outsider.page, 'vault-blocked');

    // Withdrawn by the sender from Suivi.
    await send('c@example.org', 'Troisième', 'thread');
    const withdrawn = await noticeFor(url, 'c@example.org');
    await sender.page.getByRole('link', { name: 'Suivi' }).click();
    await sender.page.getByRole('button', { name: /Troisième/ }).click();
    const copies = sender.page.getByRole('region', { name: 'Coffre (hors espace de confiance)' });
    await copies.getByRole('button', { name: 'Retirer' }).click();
    await sender.page.getByRole('dialog').getByRole('button', { name: 'Retirer' }).click();
    await copies.getByText('Retiré').waitFor();
    await outsider.page.goto(`${url}${withdrawn.link}`);
    await outsider.page.getByText('L’expéditeur a retiré ce message.').waitFor();

    // Expired: 31 days later on the operator's clock.
    rt.clock.now += 31 * 86_400_000;
    await outsider.page.goto(`${url}${patient.link}`);
    await outsider.page.getByText('Ce lien a expiré. Demandez à l’expéditeur de vous renvoyer le message.').waitFor();
    await assertAccessible(outsider.page, 'the expired link page');
    await screenshot(outsider.page, 'vault-expired');
    assertNoPageErrors(withoutPageStatuses(outsider), 'the outsider');
    assertNoPageErrors(sender, 'emartin');
  } finally {
    await sender.context.close();
    await outsider.context.close();
    await app.close();
  }
});
