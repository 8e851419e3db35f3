import { availableParallelism } from 'node:os';
import { MissiveError, type MissiveErrorCode } from '../../core/errors.ts';
import { ownConcat } from '../../core/own-buffer.ts';
import { threadPool } from '../../store/thread-pool.ts';
import { intakeMessage, type IntakeParams, type IntakeResult, type Spill } from './intake.ts';

/**
 * Takes messages in (see intake.ts): line ends, header, digest, index, encryption. That is the
 * heaviest work of a deposit, and on the event loop's thread it would hold every other
 * connection's replies while it runs.
 */
export type MessageIntake = {
  take(params: IntakeParams, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, spill: Spill): Promise<IntakeResult>;
  close(): Promise<void>;
};

/** Intake on the calling thread. */
export const inThreadIntake: MessageIntake = {
  take: (params, source, spill) => intakeMessage(spill, params, source),
  close: async () => {},
};

/**
 * Intake threads where cores are left beyond the event loop's and the SQLite writer's. On two
 * cores the hops between threads cost more CPU than they spare the event loop (`npm run bench --
 * smtp`: 1.8 ms of CPU per message on the calling thread, 2.1–2.3 ms with a thread, and no more
 * messages per second), so intake stays on the calling thread there.
 */
export function intakeForThisMachine(cores = availableParallelism()): MessageIntake {
  return cores > 2 ? threadedIntake(Math.min(2, cores - 2)) : inThreadIntake;
}

/** Messages up to this size are read whole, then taken in by a thread; larger ones stream through the calling thread as they arrive. */
export const OFF_THREAD_BYTES = 512 * 1024;

export type IntakeRequest = { id: number; params: Omit<IntakeParams, 'dataKey'> & { dataKey: Uint8Array }; message: Uint8Array };
export type IntakeReply =
  | { id: number; result: Omit<IntakeResult, 'inlineContent'> & { inlineContent: Uint8Array | null }; spilled: Uint8Array[] }
  | { id: number; error: { message: string; name: string; stack: string | null; code: MissiveErrorCode | null; details: Record<string, unknown> | null } };

/**
 * Intake in threads (up to `size`, started when the others are busy), for the messages of at
 * most OFF_THREAD_BYTES that make most of the traffic: the message goes to the thread and its
 * ciphertext comes back, both moved rather than copied. Frames too large to be kept inline are
 * written to the blob store here, where the store lives.
 */
export function threadedIntake(size: number): MessageIntake & { threads(): number } {
  const pool = threadPool<IntakeRequest, IntakeReply>(new URL('./intake-thread.ts', import.meta.url), null, size, 'intake');
  return {
    async take(params, source, spill) {
      const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : each(source);
      const collected: Uint8Array[] = [];
      let bytes = 0;
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        collected.push(next.value);
        bytes += next.value.length;
        if (bytes > OFF_THREAD_BYTES) return intakeMessage(spill, params, continued(collected, iterator));
      }
      const message = ownConcat(collected, bytes);
      // A copy of the data key, moved: the thread wipes it once done; the caller keeps its own to wrap.
      const dataKey = new Uint8Array(params.dataKey);
      const request = { params: { ...params, dataKey }, message };
      const reply = await pool.send((id) => ({ id, ...request }), [message.buffer as ArrayBuffer, dataKey.buffer]);
      if ('error' in reply) throw rebuilt(reply.error);
      if (reply.spilled.length > 0) await spill(each(reply.spilled));
      const { inlineContent } = reply.result;
      return { ...reply.result, inlineContent: inlineContent && Buffer.from(inlineContent.buffer, inlineContent.byteOffset, inlineContent.byteLength) };
    },
    threads: () => pool.threads(),
    close: () => pool.close(),
  };
}

/** The thread's error as the caller would have had it: a MissiveError with its code, else an Error with the thread's name and stack. */
function rebuilt(error: Extract<IntakeReply, { error: unknown }>['error']): Error {
  if (error.code) return new MissiveError(error.code, error.message, error.details ?? undefined);
  const rebuiltError = new Error(error.message);
  rebuiltError.name = error.name;
  if (error.stack) rebuiltError.stack = error.stack;
  return rebuiltError;
}

/** What was read, then the rest of the source; closing it early closes the source. */
async function* continued(first: readonly Uint8Array[], rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  let done = false;
  try {
    yield* first;
    for (;;) {
      const next = await rest.next();
      if (next.done) return void (done = true);
      yield next.value;
    }
  } finally {
    if (!done) await rest.return?.();
  }
}

async function* each(items: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* items;
}
