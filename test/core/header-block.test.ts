import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMissiveError } from '../../src/core/errors.ts';
import { formatRfc5322Date, headerValue, MAX_HEADER_BLOCK_BYTES, parseHeaderBlock, removeFields } from '../../src/core/header-block.ts';

/** A header block as deposit hands it over: CRLF line ends, ending with the last field's CRLF. */
function block(...lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

function malformed(input: Buffer, reason: RegExp): void {
  assert.throws(
    () => parseHeaderBlock(input),
    (error: unknown) => isMissiveError(error, 'malformed_message') && reason.test(error.message),
    `expected malformed_message matching ${reason}`,
  );
}

describe('parseHeaderBlock', () => {
  it('returns the fields in order, names as written, values unfolded and trimmed', () => {
    const fields = parseHeaderBlock(
      block('From: Éloïse Martin <emartin@demo.mssante.test>', 'to:  sbernard@demo.mssante.test ', 'Subject: Compte rendu', ' de consultation', '\tdu 22/11', 'X-MSS-NIL: LPS-1'),
    );
    assert.deepEqual(fields, [
      { name: 'From', value: 'Éloïse Martin <emartin@demo.mssante.test>' },
      { name: 'to', value: 'sbernard@demo.mssante.test' },
      { name: 'Subject', value: 'Compte rendu de consultation\tdu 22/11' },
      { name: 'X-MSS-NIL', value: 'LPS-1' },
    ]);
    assert.equal(headerValue(fields, 'SUBJECT'), 'Compte rendu de consultation\tdu 22/11');
    assert.equal(headerValue(fields, 'cc'), undefined);
  });

  it('accepts a block without its final CRLF, and repeated fields that may repeat', () => {
    const fields = parseHeaderBlock(Buffer.from('Received: a\r\nReceived: b\r\nFrom: a@b.fr'));
    assert.deepEqual(fields.map((field) => field.value), ['a', 'b', 'a@b.fr']);
  });

  it('refuses a message without From', () => {
    malformed(block('To: a@b.fr', 'Subject: x'), /no From header/);
    malformed(Buffer.alloc(0), /no From header/);
  });

  it('refuses a second Subject, whatever its case, and every other single field twice', () => {
    malformed(block('From: a@b.fr', 'Subject: one', 'SUBJECT: two'), /more than one subject header/);
    for (const name of ['From', 'To', 'Cc', 'Bcc', 'Date', 'Message-ID', 'Reply-To', 'Sender', 'In-Reply-To', 'References']) {
      const lines = ['From: a@b.fr', `${name}: x`, `${name.toLowerCase()}: y`];
      if (name === 'From') lines.shift();
      malformed(block(...lines), new RegExp(`more than one ${name.toLowerCase()} header`));
    }
  });

  it('refuses a NUL byte anywhere', () => {
    malformed(Buffer.from('From: a@b.fr\r\nSubject: a\0b\r\n'), /NUL byte/);
  });

  it('accepts a line of 998 bytes and refuses one of 999', () => {
    const line = (length: number) => `Subject: ${'x'.repeat(length - 'Subject: '.length)}`;
    assert.equal(parseHeaderBlock(block('From: a@b.fr', line(998)))[1]!.value.length, 998 - 'Subject: '.length);
    malformed(block('From: a@b.fr', line(999)), /header line 2 is longer than 998 bytes/);
  });

  it('measures the 998-byte limit in bytes of the message as received, also for 8-bit (UTF-8) headers', () => {
    const subject = (characters: number) => Buffer.from(`From: a@b.fr\r\nSubject: ${'é'.repeat(characters)}\r\n`);
    assert.equal(parseHeaderBlock(subject(494)).length, 2);
    malformed(subject(495), /header line 2 is longer than 998 bytes/);
  });

  it('refuses 8-bit header text that is not UTF-8 (a legacy charset every client would misread)', () => {
    const latin1 = Buffer.concat([Buffer.from('From: a@b.fr\r\nSubject: '), Buffer.alloc(20, 0xe9), Buffer.from('\r\n')]);
    malformed(latin1, /8-bit header text that is not UTF-8/);
  });

  it('refuses a block that starts with a continuation line', () => {
    malformed(block(' folded: x', 'From: a@b.fr'), /starts with a continuation line/);
    malformed(block('\tx', 'From: a@b.fr'), /starts with a continuation line/);
  });

  it('refuses lines that are not "Name: value"', () => {
    malformed(block('From: a@b.fr', 'Bad Name: x'), /header line 2 is not "Name: value"/);
    malformed(block('From: a@b.fr', 'Subject : x'), /header line 2 is not "Name: value"/);
    malformed(block('From: a@b.fr', ': no name'), /header line 2 is not "Name: value"/);
    malformed(block('From: a@b.fr', 'no colon at all'), /header line 2 is not "Name: value"/);
    malformed(block('From: a@b.fr', 'X-Été: x'), /header line 2 is not "Name: value"/);
    malformed(block('From: a@b.fr', ''), /header line 2 is not "Name: value"/);
  });

  it('refuses a block over the cap before reading it', () => {
    const huge = Buffer.alloc(MAX_HEADER_BLOCK_BYTES + 1, 0x20);
    malformed(huge, new RegExp(`exceeds ${MAX_HEADER_BLOCK_BYTES} bytes`));
  });
});

describe('removeFields', () => {
  it('drops every field of that name with its continuation lines, and nothing else', () => {
    const input = block(
      'From: a@b.fr',
      'Bcc: x@b.fr,',
      ' y@b.fr,',
      '\tz@b.fr',
      'Bcc-Note: kept',
      'X-Bcc: kept',
      'To: t@b.fr',
      'bcc: w@b.fr',
      'Subject: s',
    );
    assert.equal(removeFields(input, 'BCC').toString('utf8'), block('From: a@b.fr', 'Bcc-Note: kept', 'X-Bcc: kept', 'To: t@b.fr', 'Subject: s').toString('utf8'));
  });

  it('keeps the final CRLF when the removed field is last', () => {
    assert.equal(removeFields(block('From: a@b.fr', 'Bcc: x@b.fr', ' y@b.fr'), 'bcc').toString(), 'From: a@b.fr\r\n');
  });

  it('passes 8-bit bytes through untouched (UTF-8 and raw Latin-1 alike)', () => {
    const eightBit = Buffer.concat([
      Buffer.from('From: a@b.fr\r\nSubject: caf'),
      Buffer.from([0xe9, 0xff, 0x80]),
      Buffer.from(' Éloïse\r\nBcc: x@b.fr\r\n secret\r\nX-Name: '),
      Buffer.from([0xc3, 0x28, 0xa0]),
      Buffer.from('\r\n'),
    ]);
    const expected = Buffer.concat([
      Buffer.from('From: a@b.fr\r\nSubject: caf'),
      Buffer.from([0xe9, 0xff, 0x80]),
      Buffer.from(' Éloïse\r\nX-Name: '),
      Buffer.from([0xc3, 0x28, 0xa0]),
      Buffer.from('\r\n'),
    ]);
    assert.deepEqual(removeFields(eightBit, 'Bcc'), expected);
  });

  it('returns the same bytes when the field is absent', () => {
    const input = block('From: a@b.fr', 'Subject: s');
    assert.deepEqual(removeFields(input, 'Bcc'), input);
  });
});

describe('formatRfc5322Date', () => {
  it('formats in UTC with a numeric zone', () => {
    assert.equal(formatRfc5322Date(new Date(Date.UTC(2026, 10, 22, 9, 5, 7))), 'Sun, 22 Nov 2026 09:05:07 +0000');
  });
});
