import type { Page } from 'playwright-core';

/** Opens compose and fills one recipient (confirmed as a token), the subject and the text. */
export async function startMessage(page: Page, to: string, subject: string, text: string): Promise<void> {
  await page.getByRole('button', { name: 'Nouveau message' }).click();
  await page.getByRole('heading', { level: 1, name: 'Nouveau message' }).waitFor();
  // The comma confirms the address as a recipient token, as typing it does.
  await page.getByLabel('À', { exact: true }).fill(`${to},`);
  await page.getByRole('button', { name: `Retirer ${to}`, exact: true }).waitFor();
  await page.getByLabel('Objet', { exact: true }).fill(subject);
  await page.getByLabel('Message', { exact: true }).fill(text);
}
