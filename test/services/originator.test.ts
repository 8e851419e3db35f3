import assert from 'node:assert/strict';
import { deposit } from '../../src/services/deposit/deposit.ts';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, crlf, seedSmallOperator, send, traceSnapshot } from '../support/fixtures.ts';

const K = `khaddad@${DOMAIN}`;
const E = `emartin@${DOMAIN}`;
const letter = (from: string, extra: string[] = []) => crlf(`From: ${from}`, ...extra, `To: ${E}`, 'Subject: x', '', 'Bonjour', '');

engineTest('the From header must be the sending mailbox alone; Sender absent or the same', async (_t, rt) => {
  const { ctx } = rt;
  await seedSmallOperator(ctx);
  for (const from of [`Karim Haddad <${K}>`, K, `=?UTF-8?Q?Karim_Hadd=C3=A0d?= <${K.toUpperCase()}>`]) {
    await send(ctx, K, 'khaddad', letter(from));
  }
  await send(ctx, K, 'khaddad', letter(K, [`Sender: ${K}`]));

  const before = await traceSnapshot(ctx, rt.config.blobsDir);
  const spoofs = [
    `"Eloise" <>, ${K}`,
    `${K}, emartin`,
    `g: ${K};, Dr Emartin`,
    `"${E}" <${K}>`,
    `=?UTF-8?Q?emartin=40demo.mssante.test?= <${K}>`,
    `${K}, ${E}`,
    E,
  ];
  for (const from of spoofs) {
    await assert.rejects(send(ctx, K, 'khaddad', letter(from)), { code: 'forbidden' }, from);
  }
  await assert.rejects(send(ctx, K, 'khaddad', letter(K, [`Sender: ${E}`])), { code: 'forbidden' });
  assert.deepEqual(await traceSnapshot(ctx, rt.config.blobsDir), before);
});

engineTest('mail relayed from another operator may not claim an address of this operator', async (_t, rt) => {
  const { ctx } = rt;
  await seedSmallOperator(ctx);
  const relay = (from: string) =>
    deposit(ctx, { principal: { kind: 'operator', name: 'peer' }, channel: 'smtp', envelope: { from: 'dr.x@autre.mssante.fr', to: [E] }, source: [letter(from)] });
  await assert.rejects(relay(E), { code: 'forbidden' });
  await assert.rejects(relay(`Dr X <dr.x@autre.mssante.fr>, ${K}`), { code: 'forbidden' });
  const accepted = await relay('Dr X <dr.x@autre.mssante.fr>');
  assert.equal(accepted.recipients[0]!.address, E);
});
