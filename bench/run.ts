/**
 * `npm run bench -- <name> [options]`: each benchmark is a module here printing the figures its
 * issue asks for. Run from a clean clone; nothing outside the repository is needed.
 */
const BENCHES: Record<string, string> = {
  deposit: './deposit.ts',
  web: './web.ts',
  directory: './directory.ts',
  proofs: './proofs.ts',
  smtp: './smtp/smtp.ts',
  imap: './imap/imap.ts',
};

const [name, ...rest] = process.argv.slice(2);
if (!name || !(name in BENCHES)) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [options]`);
  process.exit(2);
}
const module = (await import(BENCHES[name]!)) as { main(args: string[]): Promise<void> };
await module.main(rest);
