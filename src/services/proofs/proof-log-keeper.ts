import { auditProofLog } from './audit.ts';
import { sequenceEvents, type ProofContext } from './proof-log.ts';

// Events wait at most about this long for their leaf; a receipt asked for sooner sequences at once.
const SEQUENCE_EVERY_MS = 1_000;

/**
 * The server's side of the proof log: checks the whole stored log once at start (in the
 * background: it reads every event) and keeps sequencing new events into signed heads.
 * A mismatch is logged as an error on every start until someone looks.
 */
export function keepProofLog(ctx: ProofContext): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = sequenceEvents(ctx)
      .catch((error: unknown) => ctx.log.error('proof log sequencing failed', { error }))
      .finally(() => {
        if (!stopped) {
          timer = setTimeout(tick, SEQUENCE_EVERY_MS);
          timer.unref();
        }
      });
  };
  const audit = (async () => {
    await sequenceEvents(ctx);
    const report = await auditProofLog(ctx);
    if (report.ok && report.unlogged === 0) ctx.log.info('proof log audited', { events: report.leaves, heads: report.heads });
    else ctx.log.error('PROOF LOG MISMATCH: the stored log does not match its events or signed heads; run missive proof audit', { problems: report.problems.slice(0, 10), unlogged: report.unlogged });
  })().catch((error: unknown) => ctx.log.error('proof log audit failed', { error }));
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([running, audit]);
    },
  };
}
