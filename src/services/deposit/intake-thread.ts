import { parentPort } from 'node:worker_threads';
import { MissiveError } from '../../core/errors.ts';
import { intakeMessage } from './intake.ts';
import type { IntakeReply, IntakeRequest } from './intake-threads.ts';

/** An intake thread (see intake-threads.ts): one whole message in, its ciphertext and index out. */
const port = parentPort!;

port.on('message', (request: IntakeRequest) => {
  void take(request).then(({ reply, transfer }) => port.postMessage(reply, transfer));
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
    const known = error instanceof MissiveError;
    return { reply: { id, error: { message: error instanceof Error ? error.message : String(error), code: known ? error.code : null, details: known ? (error.details ?? null) : null } }, transfer: [] };
  }
}
