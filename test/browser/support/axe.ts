import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type Violation = { id: string; impact: string | null; help: string; helpUrl: string; nodes: { target: unknown[]; failureSummary?: string }[] };

/**
 * Runs axe-core on the page as it is and fails on any serious or critical violation, listing
 * each with its elements. Injected through the debugging protocol, which the page's CSP (no
 * inline script) does not govern, so the page is tested under its real policy. The message
 * frame is left out: it holds the sender's HTML, and its sandbox lets no script in.
 */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<Violation[]>(`
    window.axe.run(document, { iframes: false, resultTypes: ['violations'] }).then((results) =>
      results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
      })))
  `);
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  const report = serious
    .map(
      (violation) =>
        `- [${violation.impact}] ${violation.id}: ${violation.help} (${violation.helpUrl})\n` +
        violation.nodes.map((node) => `    ${JSON.stringify(node.target)}\n      ${(node.failureSummary ?? '').replace(/\n/g, '\n      ')}`).join('\n'),
    )
    .join('\n');
  assert.equal(serious.length, 0, `axe found serious or critical accessibility violations on ${what}:\n${report}`);
}
