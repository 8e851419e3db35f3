import type { Writable } from 'node:stream';

/**
 * Calls `then` once a stream that said "full" drains, or closes instead (a closed stream never
 * drains: waiting for 'drain' alone would hang), whichever comes first, and only once.
 */
export function onDrainOrClose(stream: Writable, then: () => void): void {
  const done = () => {
    stream.off('drain', done);
    stream.off('close', done);
    then();
  };
  stream.on('drain', done);
  stream.on('close', done);
}
