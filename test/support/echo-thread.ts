import { parentPort } from 'node:worker_threads';

/** A thread for thread-pool tests: echoes a value, answers late, or dies when asked. */
parentPort!.on('message', (request: { id: number; value: string; delayMs?: number; die?: boolean }) => {
  if (request.die) process.exit(3);
  setTimeout(() => parentPort!.postMessage({ id: request.id, value: request.value, thread: process.pid }), request.delayMs ?? 0);
});
