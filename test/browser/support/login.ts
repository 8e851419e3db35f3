import type { Page } from 'playwright-core';
import { PASSWORD } from '../../http/login.ts';
import { until } from './browser.ts';

type OutboxItem = { seq: number | string; recipient: string; body: string };

async function outboxFor(url: string, user: string): Promise<OutboxItem[]> {
  const response = await fetch(`${url}/dev/outbox/messages.json`);
  if (!response.ok) throw new Error(`development outbox: HTTP ${response.status}`);
  return ((await response.json()) as OutboxItem[]).filter((item) => item.recipient === `${user}@exemple.fr`);
}

/** The newest outbox item's number for that user: a code sent later has a greater one. */
export async function lastOutboxSeq(url: string, user: string): Promise<number> {
  return Math.max(0, ...(await outboxFor(url, user)).map((item) => Number(item.seq)));
}

/** The 6-digit code of the first login code e-mailed to `user` after `afterSeq`. */
export async function codeSentAfter(url: string, user: string, afterSeq: number): Promise<string> {
  return until(async () => {
    const fresh = (await outboxFor(url, user)).find((item) => Number(item.seq) > afterSeq);
    return fresh ? /: (\d{6})/.exec(fresh.body)?.[1] : undefined;
  }, `a login code for ${user} in the development outbox`);
}

/**
 * Logs in as a person does (French screens): identifier and password, then the code the
 * development outbox received; returns once the inbox is on screen.
 */
export async function logInThroughUi(page: Page, url: string, user: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Adresse de messagerie ou identifiant').fill(user);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  const before = await lastOutboxSeq(url, user);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  const codeField = page.getByLabel('Code à 6 chiffres');
  await codeField.waitFor();
  await codeField.fill(await codeSentAfter(url, user, before));
  await page.getByRole('button', { name: 'Valider' }).click();
  await page.getByRole('heading', { level: 1, name: 'Boîte de réception' }).waitFor();
}
