import { parentPort } from 'node:worker_threads';
import { MissiveError } from '../../core/errors.ts';
import { intakeMessage } from './intake.ts';
import type { IntakeReply, IntakeRequest } from './intake-threads.ts';

/** An intake thread (see intake-threads.ts): one whole message in, its ciphertext and index out. */
const port = parentPort!;

port.on('message', (request: IntakeRequest) => {
  void take(request).then(({ reply, transfer }) => {
    try {
      port.postMessage(reply, transfer);
    } catch (error) {
      // A reply that cannot be sent still answers, so the message fails alone and the thread lives on.
      port.postMessage({ id: request.id, error: described(error) } satisfies IntakeReply);
    }
  });
});

async function take({ id, params, message }: IntakeRequest): Promise<{ reply: IntakeReply; transfer: ArrayBuffer[] }> {
  const spilled: Uint8Array[] = [];
  try {
    const dataKey = Buffer.from(params.dataKey.buffer, params.dataKey.byteOffset, params.dataKey.byteLength);
    const spill = async (frames: AsyncIterable<Uint8Array>) => {
      for await (const frame of frames) spilled.push(new Uint8Array(frame));
    };
    const result = await intakeMessage(spill, { ...params, dataKey }, [Buffer.from(message.buffer, message.byteOffset, message.byteLength)]);
    const transfer = spilled.map((frame) => frame.buffer as ArrayBuffer);
    if (result.inlineContent) transfer.push(result.inlineContent.buffer as ArrayBuffer);
    return { reply: { id, result, spilled }, transfer };
  } catch (error) {
    return { reply: { id, error: described(error) }, transfer: [] };
  } finally {
    // The thread's copy of the data key is not left in its heap.
    params.dataKey.fill(0);
  }
}

function described(error: unknown): Extract<IntakeReply, { error: unknown }>['error'] {
  const known = error instanceof MissiveError;
  return {
    message: error instanceof Error ? error.message : String(error),
    name: error instanceof Error ? error.name : 'Error',
    stack: error instanceof Error ? (error.stack ?? null) : null,
    code: known ? error.code : null,
    details: known ? (error.details ?? null) : null,
  };
}
