/**
 * A small PDF 1.7 writer for text documents (receipts): A4 pages, Helvetica and Helvetica-Bold
 * in WinAnsiEncoding (every French letter), lines placed top to bottom, a new page when one is
 * full. No fonts to embed, no images: what a proof needs, in a file any reader opens.
 */
export type TextLine = { text: string; size?: number; bold?: boolean; gap?: number; indent?: number };

const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN = 56;

export function textPdf(lines: readonly TextLine[], info: { title: string; author: string }): Buffer {
  const pages: string[] = [];
  let content: string[] = [];
  let y = PAGE_HEIGHT - MARGIN;
  for (const line of lines) {
    const size = line.size ?? 10;
    for (const part of wrap(line.text, size, PAGE_WIDTH - 2 * MARGIN - (line.indent ?? 0))) {
      const advance = size * 1.35 + (line.gap ?? 0);
      if (y - advance < MARGIN) {
        pages.push(content.join('\n'));
        content = [];
        y = PAGE_HEIGHT - MARGIN;
      }
      y -= advance;
      content.push(`BT /${line.bold ? 'F2' : 'F1'} ${size} Tf ${MARGIN + (line.indent ?? 0)} ${y.toFixed(1)} Td (${escape(part)}) Tj ET`);
    }
  }
  pages.push(content.join('\n'));

  const objects: Buffer[] = [];
  const add = (body: Buffer | string) => objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
  // 1 catalog, 2 page tree, 3-4 fonts, 5 info; then per page: the page and its content stream.
  const firstPage = 6;
  const kids = pages.map((_, i) => `${firstPage + i * 2} 0 R`).join(' ');
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  add(`<< /Title ${textString(info.title)} /Author ${textString(info.author)} /Producer (Missive) >>`);
  pages.forEach((page, i) => {
    add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${firstPage + i * 2 + 1} 0 R >>`);
    const stream = winAnsi(page);
    add(Buffer.concat([Buffer.from(`<< /Length ${stream.length} >>\nstream\n`), stream, Buffer.from('\nendstream')]));
  });

  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    const object = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    offsets.push(offset);
    parts.push(object);
    offset += object.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

// Helvetica's average advance is about half the font size; wrapping by that estimate keeps lines inside the margins.
function wrap(text: string, size: number, width: number): string[] {
  const perLine = Math.max(10, Math.floor(width / (size * 0.52)));
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (candidate.length <= perLine) line = candidate;
      else {
        if (line !== '') out.push(line);
        // A word longer than a line (a hash, a signature) is cut.
        let rest = word;
        while (rest.length > perLine) {
          out.push(rest.slice(0, perLine));
          rest = rest.slice(perLine);
        }
        line = rest;
      }
    }
    out.push(line);
  }
  return out;
}

/** A string outside page content (document information): UTF-16BE with its byte order mark, in hex. */
function textString(text: string): string {
  const utf16 = Buffer.from(text, 'utf16le').swap16();
  return `<FEFF${utf16.toString('hex').toUpperCase()}>`;
}

function escape(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[\r\n\t]/g, ' ');
}

// The characters WinAnsiEncoding places outside Latin-1 positions, that French text uses.
const WIN_ANSI_EXTRA: Record<string, number> = { '€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97, 'œ': 0x9c, 'Œ': 0x8c, 'Ÿ': 0x9f };

function winAnsi(text: string): Buffer {
  const bytes = Buffer.alloc(text.length);
  let n = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes[n++] = WIN_ANSI_EXTRA[char] ?? (code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : 0x3f);
  }
  return bytes.subarray(0, n);
}
