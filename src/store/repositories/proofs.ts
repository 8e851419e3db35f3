import type { ProofEvent, ProofEventType } from '../../core/proof-event.ts';
import { newOrderedId } from '../ids.ts';
import type { Insertable, Selectable } from 'kysely';
import type { ProofEventTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export async function appendProofEvents(q: Queryable, events: readonly ProofEvent[]): Promise<void> {
  if (events.length === 0) return;
  await q.insertInto('proof_event').values(events.map(proofEventRow)).execute();
}

export function proofEventRow(event: ProofEvent): Insertable<ProofEventTable> {
  return {
    id: newOrderedId('evt', event.at),
    type: event.type,
    message_id: event.messageId,
    message_id_header: event.messageIdHeader,
    content_digest: event.contentDigest,
    actor: event.actor,
    recipient: event.recipient,
    channel: event.channel,
    at: event.at,
  };
}

export type StoredProofEvent = Selectable<ProofEventTable>;

export async function proofEventsOf(q: Queryable, messageId: string): Promise<StoredProofEvent[]> {
  return q.selectFrom('proof_event').selectAll().where('message_id', '=', messageId).orderBy('seq').execute();
}

/** The recipients that already have an event of this type for a message (first-time facts are recorded once). */
export async function recipientsWithEvent(q: Queryable, messageId: string, type: ProofEvent['type']): Promise<string[]> {
  const rows = await q.selectFrom('proof_event').select('recipient').where('message_id', '=', messageId).where('type', '=', type).execute();
  return rows.map((row) => row.recipient).filter((recipient): recipient is string => recipient !== null);
}

/** How many events of a type a message's recipient has had since a time (a per-recipient allowance). */
export async function countRecipientEvents(q: Queryable, messageId: string, type: ProofEventType, recipient: string, since: number): Promise<number> {
  const row = await q
    .selectFrom('proof_event')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('message_id', '=', messageId)
    .where('type', '=', type)
    .where('recipient', '=', recipient)
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
