import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand } from '../../src/protocols/imap/codec/command-parser.ts';
import { CommandReader, type ReaderEvent } from '../../src/protocols/imap/codec/command-reader.ts';
import { continuation, encode, status, untagged } from '../../src/protocols/imap/codec/response-writer.ts';
import { ImapParseError, type ImapValue } from '../../src/protocols/imap/codec/values.ts';

const LIMITS = { maxLineBytes: 8192, maxLiteralBytes: 1 << 20, maxCommandBytes: 2 << 20 };

/** Values in a compact form that reads like the command: atoms bare, strings quoted, lists in (). */
function show(value: ImapValue): string {
  if (value.type === 'list') return `(${value.items.map(show).join(' ')})`;
  if (value.type === 'string') return `${value.form === 'quoted' ? '' : value.form === 'literal8' ? '~' : '#'}"${value.value.toString('utf8')}"`;
  const section = value.section ? `[${value.section.map(show).join(' ')}]` : '';
  const partial = value.partial ? `<${value.partial.join('.')}>` : '';
  return `${value.value}${section}${partial}`;
}

function parsed(text: string): string {
  const command = parseCommand(Buffer.from(text));
  return [command.tag, command.name, ...command.args.map(show)].join(' ');
}

function bad(text: string | Buffer, pattern: RegExp, tag: string | null = null): void {
  assert.throws(
    () => parseCommand(Buffer.isBuffer(text) ? text : Buffer.from(text)),
    (error: unknown) => error instanceof ImapParseError && pattern.test(error.message) && error.tag === tag,
    String(text),
  );
}

describe('IMAP command parser: the examples of RFC 3501 and RFC 9051', () => {
  it('reads tags, names and every kind of argument', () => {
    assert.equal(parsed('a001 LOGIN SMITH SESAME\r\n'), 'a001 LOGIN SMITH SESAME');
    assert.equal(parsed('A142 SELECT INBOX\r\n'), 'A142 SELECT INBOX');
    assert.equal(parsed('a002 noop\r\n'), 'a002 NOOP');
    assert.equal(parsed('A682 LIST "" *\r\n'), 'A682 LIST "" *');
    assert.equal(parsed('A683 LIST "" %/%\r\n'), 'A683 LIST "" %/%');
    assert.equal(parsed('A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n'), 'A042 STATUS blurdybloop (UIDNEXT MESSAGES)');
    assert.equal(parsed('A003 STORE 2:4 +FLAGS (\\Deleted)\r\n'), 'A003 STORE 2:4 +FLAGS (\\Deleted)');
    assert.equal(parsed('A999 UID FETCH 4827313:4828442 FLAGS\r\n'), 'A999 UID FETCH 4827313:4828442 FLAGS');
    assert.equal(parsed('a003 fetch 12 full\r\n'), 'a003 FETCH 12 full');
    assert.equal(parsed('a004 fetch 12 body[header]\r\n'), 'a004 FETCH 12 body[header]');
    assert.equal(parsed('A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n'), 'A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])');
    assert.equal(parsed('a1 FETCH 1 (BODY.PEEK[1.2.MIME] BODY[]<0.2048> BINARY.PEEK[1]<100.50> BINARY.SIZE[2])\r\n'), 'a1 FETCH 1 (BODY.PEEK[1.2.MIME] BODY[]<0.2048> BINARY.PEEK[1]<100.50> BINARY.SIZE[2])');
    assert.equal(parsed('A284 SEARCH CHARSET UTF-8 TEXT "été"\r\n'), 'A284 SEARCH CHARSET UTF-8 TEXT "été"');
    assert.equal(parsed('A285 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n'), 'A285 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"');
    assert.equal(parsed('A286 SEARCH OR (FROM a TO b) (NOT SEEN)\r\n'), 'A286 SEARCH OR (FROM a TO b) (NOT SEEN)');
    assert.equal(parsed('a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n'), 'a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)');
    assert.equal(parsed('A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n'), 'A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))');
    assert.equal(parsed('a ID ("name" "imapflow" "version" NIL)\r\n'), 'a ID ("name" "imapflow" "version" NIL)');
    assert.equal(parsed('a ENABLE QRESYNC CONDSTORE\r\n'), 'a ENABLE QRESYNC CONDSTORE');
    assert.equal(parsed('a IDLE\r\n'), 'a IDLE');
    assert.equal(parsed('a MOVE 1:3 "Dossier partagé"\r\n'), 'a MOVE 1:3 "Dossier partagé"');
  });

  it('reads quoted strings with their two escapes, and literals of every form', () => {
    assert.equal(parsed('a LOGIN "jean \\"le\\" docteur" "pa\\\\ss"\r\n'), 'a LOGIN "jean "le" docteur" "pa\\ss"');
    assert.equal(parsed('A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n'), 'A001 LOGIN #"FRED FOOBAR" #"fat man"');
    assert.equal(parsed('A003 APPEND saved-messages (\\Seen) {6+}\r\nHello!\r\n'), 'A003 APPEND saved-messages (\\Seen) #"Hello!"');
    assert.equal(parsed('A003 APPEND INBOX ~{3}\r\na\x00b\r\n'), 'A003 APPEND INBOX ~"a\x00b"');
    assert.equal(parsed('A004 APPEND INBOX (\\Seen) "7-Feb-1994 21:52:25 -0800" {2}\r\nok\r\n'), 'A004 APPEND INBOX (\\Seen) "7-Feb-1994 21:52:25 -0800" #"ok"');
    assert.equal(parsed('a LOGIN {0}\r\n x\r\n'), 'a LOGIN #"" x');
    const command = parseCommand(Buffer.from('a SEARCH CHARSET UTF-8 TEXT {4}\r\n\xc3\xa9t\xc3\r\n', 'latin1'));
    assert.deepEqual(command.args[3], { type: 'string', value: Buffer.from([0xc3, 0xa9, 0x74, 0xc3]), form: 'literal' });
  });

  it('refuses what is malformed, with the tag when it was read', () => {
    bad('\r\n', /expected tag/);
    bad('a001\r\n', /a space after the tag/, 'a001');
    bad('a+b NOOP\r\n', /a space after the tag/, 'a');
    bad('a001 \r\n', /expected command name/, 'a001');
    bad('a LOGIN "unterminated\r\n', /CR, LF or NUL in a quoted string/, 'a');
    bad('a LOGIN "bad \\n escape"\r\n', /only \\\\ and \\" may be escaped/, 'a');
    bad('a FETCH 1 (FLAGS\r\n', /a space or "\)" in a list/, 'a');
    bad('a FETCH 1 BODY[HEADER\r\n', /a space or "\]" in a section/, 'a');
    bad('a FETCH 1 BODY[]<10>\r\n', /"\." in a partial range/, 'a');
    bad('a FETCH 1 BODY[]<0.0>\r\n', /partial range of length 0/, 'a');
    bad('a LOGIN {5}\r\nab\r\n', /literal shorter than its length/, 'a');
    bad('a LOGIN {2}\r\na\x00 b\r\n', /NUL in a literal/, 'a');
    bad('a NOOP  \r\n', /unexpected character 0x20/, 'a');
    bad('a NOOP\n', /the end of the command \(CRLF\)/, 'a');
    bad('a NOOP\r\nb NOOP\r\n', /bytes after the end/, 'a');
    bad(Buffer.from('a SELECT caf\xe9\r\n', 'latin1'), /unexpected character 0xe9/, 'a');
    bad(`a SEARCH ${'('.repeat(40)}\r\n`, /nested deeper than 32/, 'a');
    bad(`${'t'.repeat(65)} NOOP\r\n`, /tag longer than 64/);
  });
});

describe('IMAP command reader: framing bytes into commands', () => {
  const types = (events: ReaderEvent[]) => events.map((event) => (event.type === 'command' ? `command:${event.bytes.toString('latin1')}` : event.type));

  it('frames pipelined commands, split anywhere, with literals and continuation requests', () => {
    const stream = 'a NOOP\r\nb LOGIN {4}\r\nfred {6+}\r\nsecret\r\nc APPEND INBOX {3}\r\nabc\r\n';
    const whole = new CommandReader(LIMITS).push(Buffer.from(stream));
    assert.deepEqual(types(whole), ['command:a NOOP\r\n', 'continue', 'command:b LOGIN {4}\r\nfred {6+}\r\nsecret\r\n', 'continue', 'command:c APPEND INBOX {3}\r\nabc\r\n']);
    // Byte by byte gives the same commands.
    const reader = new CommandReader(LIMITS);
    const events = [...stream].flatMap((char) => reader.push(Buffer.from(char, 'latin1')));
    assert.deepEqual(types(events), types(whole));
    for (const event of whole) if (event.type === 'command') parseCommand(event.bytes);
  });

  it('a literal ending in what looks like another announcement is data, not an announcement', () => {
    const events = new CommandReader(LIMITS).push(Buffer.from('a APPEND INBOX {7}\r\nx {9}\r\n\r\n'));
    assert.deepEqual(types(events), ['continue', 'command:a APPEND INBOX {7}\r\nx {9}\r\n\r\n']);
  });

  it('refuses a synchronizing literal too large and goes on; a non-synchronizing one, or an endless line, is fatal', () => {
    const small = { maxLineBytes: 100, maxLiteralBytes: 10, maxCommandBytes: 200 };
    const refused = new CommandReader(small).push(Buffer.from('a APPEND INBOX {11}\r\nb NOOP\r\n'));
    assert.equal(refused[0]?.type, 'refused');
    assert.equal((refused[0] as { error: ImapParseError }).error.tag, 'a');
    assert.deepEqual(types(refused.slice(1)), ['command:b NOOP\r\n']);
    const plus = new CommandReader(small).push(Buffer.from('a APPEND INBOX {11+}\r\nhello world\r\n'));
    assert.deepEqual(types(plus), ['fatal']);
    const endless = new CommandReader(small);
    assert.deepEqual(types(endless.push(Buffer.alloc(60, 0x61))), []);
    assert.deepEqual(types(endless.push(Buffer.alloc(60, 0x61))), ['fatal']);
    assert.deepEqual(endless.push(Buffer.from('b NOOP\r\n')), [], 'nothing after a fatal error');
  });
});

describe('IMAP response writer', () => {
  it('writes atoms, numbers, NIL, quoted strings, literals and lists', () => {
    assert.equal(untagged(3, { atom: 'EXISTS' }).toString(), '* 3 EXISTS\r\n');
    assert.equal(untagged({ atom: 'FLAGS' }, [{ atom: '\\Seen' }, { atom: '\\Answered' }]).toString(), '* FLAGS (\\Seen \\Answered)\r\n');
    assert.equal(encode(['Jean "Jo" Dupont', null, 'a\\b', 'été']).toString(), '("Jean \\"Jo\\" Dupont" NIL "a\\\\b" "été")');
    assert.equal(encode('deux\r\nlignes').toString(), '{12}\r\ndeux\r\nlignes');
    assert.equal(encode({ literal: 'x' }).toString(), '{1}\r\nx');
    assert.equal(status('a1', 'OK', 'SELECT completed', 'READ-WRITE').toString(), 'a1 OK [READ-WRITE] SELECT completed\r\n');
    assert.equal(status('*', 'BYE', 'bye\r\nforged').toString(), '* BYE bye forged\r\n');
    assert.equal(continuation().toString(), '+ Ready\r\n');
  });

  it('what it writes as a string, the parser reads back byte for byte', () => {
    for (const text of ['', 'simple', 'a "quoted" \\ word', 'été 🩺', 'line\r\nbreak', 'x'.repeat(2000)]) {
      const command = parseCommand(Buffer.concat([Buffer.from('t LOGIN '), encode(text), Buffer.from('\r\n')]));
      assert.equal((command.args[0] as { value: Buffer }).value.toString('utf8'), text);
    }
  });
});

describe('IMAP codec fuzz', () => {
  it('100,000 random and mutated commands: the parser returns or throws its own parse error, nothing else', () => {
    let seed = 0x5eed;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const seeds = [
      'a1 FETCH 1:* (FLAGS UID ENVELOPE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT)]<0.1024>)\r\n',
      'a2 LOGIN {4}\r\nfred "pa\\"ss"\r\n',
      'a3 SEARCH CHARSET UTF-8 OR (FROM "dupont" SINCE 1-Jan-2026) (NOT SEEN)\r\n',
      'a4 UID STORE 1,3:5 +FLAGS.SILENT (\\Seen \\Flagged) (UNCHANGEDSINCE 12)\r\n',
      'a5 APPEND INBOX (\\Seen) "22-Nov-2026 10:00:00 +0100" ~{5}\r\nab\x00cd\r\n',
      'a6 SELECT INBOX (QRESYNC (1 2 1:10))\r\n',
    ];
    const alphabet = ['(', ')', '[', ']', '{', '}', '"', '\\', ' ', '\r', '\n', '\r\n', '<', '>', '.', '*', '%', '+', '~', '0', '9', 'A', 'x', '\x00', '\xff', '{3}\r\n', '{99}\r\n', 'BODY[', 'NIL'];
    let parsedOk = 0;
    for (let i = 0; i < 100_000; i++) {
      let text: string;
      if (i % 2 === 0) {
        // A real command, mutated: bytes replaced, inserted, deleted, cut.
        text = pick(seeds);
        const mutations = 1 + Math.floor(random() * 4);
        for (let m = 0; m < mutations; m++) {
          const at = Math.floor(random() * (text.length + 1));
          const kind = random();
          if (kind < 0.3) text = text.slice(0, at) + pick(alphabet) + text.slice(at + 1);
          else if (kind < 0.6) text = text.slice(0, at) + pick(alphabet) + text.slice(at);
          else if (kind < 0.9) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 5));
          else text = text.slice(0, at);
        }
      } else {
        // Random tokens.
        text = `t${i} ` + Array.from({ length: Math.floor(random() * 12) }, () => pick(alphabet)).join('');
        if (random() < 0.7) text += '\r\n';
      }
      const bytes = Buffer.from(text, 'latin1');
      try {
        parseCommand(bytes);
        parsedOk++;
      } catch (error) {
        if (!(error instanceof ImapParseError)) throw new Error(`case ${i} ${JSON.stringify(text)} threw ${String(error)}`);
      }
      // The reader never throws either, whatever it is fed.
      new CommandReader({ maxLineBytes: 64, maxLiteralBytes: 50, maxCommandBytes: 200 }).push(bytes);
    }
    // Both outcomes were exercised: the fuzz reaches the parser's depths, not only its first check.
    assert.ok(parsedOk > 1_000, `${parsedOk} parsed`);
  });
});
