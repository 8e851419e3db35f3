/**
 * The victim of the crash test: deposits messages as fast as it can, printing one line per
 * acknowledged deposit (`ACK <message id> <sha256 of the submitted bytes>`) only after
 * `deposit` resolved, i.e. after the commit. The parent kills it with SIGKILL at random.
 */
import { createHash, randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/config.ts';
import { silentLogger } from '../../src/observability/log.ts';
import { openRuntime } from '../../src/runtime/open-runtime.ts';
import { deposit } from '../../src/services/deposit/deposit.ts';
import { DOMAIN, rawMessage } from '../support/fixtures.ts';

const round = process.argv[2] ?? '0';
const runtime = await openRuntime(loadConfig({ file: null }), { log: silentLogger });
process.stdout.write('READY\n');
let sequence = 0;
const worker = async () => {
  for (;;) {
    const n = sequence++;
    // Sizes vary from a few bytes to several 64 KiB chunks so that kills land in every phase.
    const attachment = n % 3 === 0 ? { name: `doc-${n}.pdf`, bytes: randomBytes(1 + ((n * 7919) % 400_000)) } : undefined;
    const raw = rawMessage({
      from: `emartin@${DOMAIN}`,
      to: [`khaddad@${DOMAIN}`],
      cc: n % 2 === 0 ? [`cardiologie@${DOMAIN}`] : undefined,
      subject: `Crash round ${round} message ${n}`,
      body: `Contenu ${n} ${randomBytes(8).toString('hex')}`,
      ...(attachment ? { attachment } : {}),
    });
    const result = await deposit(runtime.ctx, { principal: { kind: 'user', userId: 'emartin' }, channel: 'api', envelope: { from: `emartin@${DOMAIN}` }, source: [raw] });
    process.stdout.write(`ACK ${result.messageId} ${createHash('sha256').update(raw).digest('hex')}\n`);
  }
};
await Promise.all(Array.from({ length: 8 }, worker));
