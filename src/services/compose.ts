import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Principal } from '../core/principal.ts';
import type { Channel } from '../core/proof-event.ts';
import type { ServiceContext } from './context.ts';
import { deposit, type DepositResult } from './deposit/deposit.ts';

export type Composition = { from: string; to: readonly string[]; cc: readonly string[]; subject: string; text: string };

/**
 * A message written in the web client or the API: built as RFC 5322 (UTF-8, quoted-printable
 * where needed), then handed to the one delivery path like any other.
 */
export async function sendComposed(ctx: ServiceContext, principal: Principal, composition: Composition, channel: Channel = 'web'): Promise<DepositResult> {
  const raw = await new MailComposer({
    from: composition.from,
    to: [...composition.to],
    cc: [...composition.cc],
    subject: composition.subject,
    text: composition.text,
    headers: { 'X-MSS-NIL': 'Missive' },
  })
    .compile()
    .build();
  return deposit(ctx, { principal, channel, envelope: { from: composition.from, to: [...composition.to, ...composition.cc] }, source: [raw] });
}
