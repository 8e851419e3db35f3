import { parseHtml } from './html-window.ts';

const BLOCKS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'CENTER', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE',
  'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION',
  'SUMMARY', 'TABLE', 'TR', 'UL', 'CAPTION',
]);
const PARAGRAPHS = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'PRE', 'TABLE', 'UL', 'OL', 'DL', 'HR']);
// Never shown as text.
const SKIPPED = new Set(['HEAD', 'TITLE', 'STYLE', 'SCRIPT', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'MATH', 'IFRAME', 'OBJECT', 'SELECT', 'TEXTAREA', 'BUTTON']);
const MAX_DEPTH = 256;

/**
 * A readable text rendering of an HTML body, for an HTML-only message: tags gone, entities
 * decoded, a line break after each block and a blank line around paragraphs, list items
 * marked, quotes prefixed with "> ", link targets after their text when they differ.
 */
export function htmlToText(html: string): string {
  const writer = new TextWriter();
  const body = parseHtml(html).body;
  if (body) walk(body, writer, 0);
  return writer.result();
}

function walk(node: Node, out: TextWriter, depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 3) {
      out.text(child.nodeValue ?? '');
      continue;
    }
    if (child.nodeType !== 1) continue;
    const element = child as Element;
    const tag = element.nodeName.toUpperCase();
    if (SKIPPED.has(tag)) continue;
    if (tag === 'BR') {
      out.lineBreak();
      continue;
    }
    if (tag === 'IMG') {
      const alt = element.getAttribute('alt')?.trim();
      if (alt) out.text(` ${alt} `);
      continue;
    }
    if (tag === 'TD' || tag === 'TH') out.cellGap();
    if (BLOCKS.has(tag)) out.block(PARAGRAPHS.has(tag) ? 2 : 1);
    if (tag === 'HR') {
      out.text('――――――――');
      out.block(2);
      continue;
    }
    if (tag === 'LI') out.text('• ');
    if (tag === 'BLOCKQUOTE') out.quote(1);
    if (tag === 'PRE') out.preformatted(1);
    walk(element, out, depth + 1);
    if (tag === 'PRE') out.preformatted(-1);
    if (tag === 'BLOCKQUOTE') out.quote(-1);
    if (tag === 'A') {
      const href = (element.getAttribute('href') ?? '').trim();
      const shown = (element.textContent ?? '').replace(/\s+/g, ' ').trim();
      const target = href.replace(/^mailto:/i, '');
      if (/^(?:https?:|mailto:)/i.test(href) && shown !== '' && shown !== target && shown !== href) out.text(` <${target}>`);
    }
    if (BLOCKS.has(tag)) out.block(PARAGRAPHS.has(tag) ? 2 : 1);
  }
}

/** Text with collapsed white space, line breaks asked for by blocks, and quote prefixes. */
class TextWriter {
  #lines: string[] = [''];
  #breaks = 0;
  #space = false;
  #quoteDepth = 0;
  #pre = 0;
  #cell = false;
  #written = false;
  #writtenDepth = 0;

  text(value: string): void {
    if (this.#pre > 0) {
      const lines = value.replace(/\r\n?/g, '\n').split('\n');
      lines.forEach((line, index) => {
        if (index > 0) this.lineBreak();
        if (line !== '') this.#write(line);
      });
      return;
    }
    // HTML collapses ASCII white space only: non-breaking spaces (French « : ») are text.
    const collapsed = value.replace(/[ \t\n\r\f]+/g, ' ');
    if (/^ *$/.test(collapsed)) {
      if (collapsed !== '') this.#space = true;
      return;
    }
    if (collapsed.startsWith(' ')) this.#space = true;
    const trailing = collapsed.endsWith(' ');
    this.#write(collapsed.replace(/^ +| +$/g, ''));
    this.#space = trailing;
  }

  block(lines: number): void {
    if (!this.#written) return;
    this.#breaks = Math.max(this.#breaks, lines);
    this.#space = false;
    this.#cell = false;
  }

  lineBreak(): void {
    this.#flushBreaks();
    this.#lines.push(this.#prefix());
    this.#space = false;
    this.#cell = false;
  }

  cellGap(): void {
    this.#cell = true;
  }

  quote(delta: number): void {
    this.#quoteDepth += delta;
  }

  preformatted(delta: number): void {
    this.#pre += delta;
  }

  result(): string {
    return this.#lines
      .map((line) => line.replace(/[ \t\u00a0]+$/, ''))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }

  #write(text: string): void {
    if (!this.#written) {
      this.#lines[0] = this.#prefix();
      this.#written = true;
    }
    if (this.#breaks > 0) {
      this.#flushBreaks();
    } else if (this.#cell && this.#current().trim() !== '') {
      this.#lines[this.#lines.length - 1] += '\t';
    } else if (this.#space && !/\s$/.test(this.#current()) && this.#current() !== '') {
      this.#lines[this.#lines.length - 1] += ' ';
    }
    this.#cell = false;
    this.#space = false;
    this.#lines[this.#lines.length - 1] += text;
    this.#writtenDepth = this.#quoteDepth;
  }

  /** Blank lines between a quote and what surrounds it belong to the outer level. */
  #flushBreaks(): void {
    for (; this.#breaks > 1; this.#breaks--) this.#lines.push(this.#prefix(Math.min(this.#writtenDepth, this.#quoteDepth)));
    if (this.#breaks === 1) this.#lines.push(this.#prefix());
    this.#breaks = 0;
  }

  #prefix(depth = this.#quoteDepth): string {
    return '> '.repeat(depth);
  }

  #current(): string {
    return this.#lines[this.#lines.length - 1]!;
  }
}
