import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ASSETS = fileURLToPath(new URL('../../web/dist/assets/', import.meta.url));

export type BundleSize = { files: { name: string; bytes: number; gzip: number }[]; bytes: number; gzip: number };

/**
 * What a browser downloads to run the client: every script and style sheet of the build,
 * each gzipped at level 9, summed. Builds the client first when there is no build.
 */
export function bundleSize(): BundleSize {
  if (!existsSync(ASSETS)) {
    console.log('web/dist is missing: npm run build:web');
    const built = spawnSync('npm', ['run', 'build:web'], { cwd: REPO, stdio: 'inherit' });
    if (built.status !== 0) throw new Error(`npm run build:web failed (exit ${built.status})`);
  }
  const files = readdirSync(ASSETS)
    .filter((name) => name.endsWith('.js') || name.endsWith('.css'))
    .sort()
    .map((name) => {
      const content = readFileSync(`${ASSETS}${name}`);
      return { name, bytes: content.length, gzip: gzipSync(content, { level: 9 }).length };
    });
  if (files.length === 0) throw new Error(`no .js or .css file in ${ASSETS}`);
  return { files, bytes: files.reduce((sum, file) => sum + file.bytes, 0), gzip: files.reduce((sum, file) => sum + file.gzip, 0) };
}
