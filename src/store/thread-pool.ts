import { Worker, type Transferable } from 'node:worker_threads';

/** Every request to a pool's thread carries the id its reply comes back with. */
export type Identified = { id: number };

export type ThreadPool<Request extends Identified, Reply extends Identified> = {
  /** Sends `build(id)` to the least busy thread (started if all are busy and the pool may grow), and resolves with its reply. */
  send(build: (id: number) => Request, transfer?: readonly Transferable[]): Promise<Reply>;
  /** Starts every thread the pool may have now, idle, rather than when requests find the others busy. */
  prestart(): void;
  /** Threads started and running. */
  threads(): number;
  close(): Promise<void>;
};

/**
 * Up to `size` threads running `file`, each started only when the others are busy. A thread
 * that dies fails what it was asked and leaves the pool; the next request starts another.
 * Threads do not keep the process alive while nothing is asked of them.
 */
export function threadPool<Request extends Identified, Reply extends Identified>(file: URL, workerData: unknown, size: number, name: string): ThreadPool<Request, Reply> {
  type Thread = { worker: Worker; pending: Map<number, { resolve(reply: Reply): void; reject(error: Error): void }> };
  const pool: Thread[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): Thread => {
    const worker = new Worker(file, { workerData, name });
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (reply: Reply) => {
      const waiting = thread.pending.get(reply.id);
      if (!waiting) return;
      forget(thread, reply.id);
      waiting.resolve(reply);
    });
    const fail = (error: Error) => {
      const at = pool.indexOf(thread);
      if (at >= 0) pool.splice(at, 1);
      for (const waiting of thread.pending.values()) waiting.reject(error);
      thread.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the ${name} thread stopped (${code})`)));
    worker.unref();
    return thread;
  };

  // Nothing more awaited of it for this request; an idle thread no longer keeps the process alive.
  const forget = (thread: Thread, id: number) => {
    thread.pending.delete(id);
    if (thread.pending.size === 0) thread.worker.unref();
  };

  const leastBusy = (): Thread => {
    const idle = pool.find((thread) => thread.pending.size === 0);
    if (idle) return idle;
    if (pool.length < size) {
      const thread = spawn();
      pool.push(thread);
      return thread;
    }
    return pool.reduce((best, thread) => (thread.pending.size < best.pending.size ? thread : best));
  };

  return {
    send(build, transfer = []) {
      if (closed) return Promise.reject(new Error(`the ${name} threads are closed`));
      const thread = leastBusy();
      const id = nextId++;
      return new Promise<Reply>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject });
        thread.worker.ref();
        try {
          thread.worker.postMessage(build(id), transfer);
        } catch (error) {
          // Not sent (not cloneable, a buffer already moved): nothing is awaited from the thread.
          forget(thread, id);
          reject(error as Error);
        }
      });
    },
    prestart() {
      while (!closed && pool.length < size) pool.push(spawn());
    },
    threads: () => pool.length,
    async close() {
      closed = true;
      await Promise.all(pool.splice(0).map((thread) => thread.worker.terminate()));
    },
  };
}
