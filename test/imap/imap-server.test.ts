import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { grantMember } from '../../src/services/accounts.ts';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import { engineTest } from '../support/engines.ts';
import { startTestImap } from '../support/imap.ts';
import { DOMAIN, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

const exec = promisify(execFile);

/** Python's imaplib, a real client: STARTTLS, LOGIN with an application password, then a reading session. */
const PYTHON_CLIENT = String.raw`
import imaplib, json, ssl, sys
a = json.loads(sys.argv[1])
ctx = ssl.create_default_context(cafile=a["ca"])
out = {}
m = imaplib.IMAP4("127.0.0.1", a["port"])
out["capsBefore"] = sorted(m.capabilities)
try:
    m.login(a["user"], a["password"])
except imaplib.IMAP4.error as e:
    out["loginBeforeTls"] = str(e)
m.starttls(ssl_context=ctx)
out["capsAfter"] = sorted(m.capabilities)
try:
    m.login(a["user"], "not-the-password-at-all")
except imaplib.IMAP4.error as e:
    out["wrongPassword"] = str(e)
m.login(a["user"], a["password"])
typ, folders = m.list()
out["list"] = [f.decode() for f in folders]
typ, data = m.select("INBOX")
out["exists"] = int(data[0])
typ, data = m.uid("FETCH", "1:*", "(UID FLAGS RFC822.SIZE ENVELOPE)")
out["envelopes"] = [d[0].decode() if isinstance(d, tuple) else d.decode() for d in data]
typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])")
out["headerFields"] = data[0][1].decode()
typ, data = m.fetch("1", "(FLAGS)")
out["flagsAfterPeek"] = data[0].decode()
typ, data = m.fetch("1", "(BODY[])")
out["bodyTitle"] = data[0][0].decode()
out["body"] = data[0][1].decode()
out["flagsAfterBody"] = [d.decode() for d in data[1:] if isinstance(d, bytes)] + ([data[0][0].decode()])
typ, data = m.fetch("1", "(BODY[1]<0.7>)")
out["partial"] = [data[0][0].decode(), data[0][1].decode()]
typ, data = m.store("1", "+FLAGS", "(\\Flagged)")
out["store"] = [d.decode() for d in data]
typ, data = m.fetch("1:*", "(FLAGS)")
out["flags"] = [d.decode() for d in data]
try:
    m.select('"Shared/cardiologie@demo.mssante.test/INBOX"')
    out["sharedSelect"] = "READ-WRITE"
except imaplib.IMAP4.readonly:
    out["sharedSelect"] = "READ-ONLY"
    # imaplib would refuse the STORE itself: ask the server anyway.
    m.state = "SELECTED"
    m.is_readonly = False
    m.untagged_responses.pop("READ-ONLY", None)

typ, data = m.store("1", "+FLAGS", "(\\Seen)")
out["sharedStore"] = [typ, data[0].decode() if data and data[0] else ""]
m.untagged_responses.pop("READ-ONLY", None)
typ, data = m.append('"Shared/cardiologie@demo.mssante.test/INBOX"', None, None, b"From: khaddad@demo.mssante.test\r\nSubject: x\r\n\r\ny\r\n")
out["sharedAppend"] = [typ, data[0].decode() if data and data[0] else ""]
m.untagged_responses.pop("READ-ONLY", None)
try:
    m._simple_command("FETCH", "1", "(BODY[TEXT")
except imaplib.IMAP4.error as e:
    out["garbage"] = str(e)
typ, data = m.append("Drafts", "(\\Draft)", '"22-Oct-2026 08:30:00 +0200"', b"From: khaddad@demo.mssante.test\r\nSubject: brouillon\r\n\r\ntexte\r\n")
out["appendDated"] = typ
m.select("Drafts")
out["appendDate"] = m.fetch("1", "(INTERNALDATE)")[1][0].decode()
try:
    m.append("Drafts", None, '"31-Feb-2026 08:30:00 +0200"', b"Subject: x\r\n\r\ny\r\n")
except imaplib.IMAP4.error as e:
    out["appendBadDate"] = str(e)
m.logout()
print(json.dumps(out))
`;

engineTest('IMAP: Python imaplib over STARTTLS lists, selects, fetches envelopes, header fields, whole bodies (an opening, proven) and partial parts, stores flags; a read-only shared mailbox refuses STORE and APPEND; LOGIN only after TLS', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  await grantMember(rt.ctx, `cardiologie@${DOMAIN}`, 'khaddad', { read: true, send: false, manage: false });
  const { secret } = await createAppPassword(rt.ctx, 'khaddad', 'imaplib');
  const sent = await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject: 'Résultats de biologie', body: 'Bonjour Karim,\r\nles résultats sont normaux.' }));
  await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`cardiologie@${DOMAIN}`], subject: 'Pour le service' }));
  const imap = await startTestImap(t, rt);
  const args = { ca: imap.ca, port: imap.port, user: 'khaddad', password: secret };
  const { stdout } = await exec('python3', ['-c', PYTHON_CLIENT, JSON.stringify(args)]);
  const out = JSON.parse(stdout) as Record<string, unknown>;
  assert.ok((out.capsBefore as string[]).includes('STARTTLS') && (out.capsBefore as string[]).includes('LOGINDISABLED'));
  assert.match(String(out.loginBeforeTls), /PRIVACYREQUIRED/);
  assert.ok((out.capsAfter as string[]).includes('AUTH=PLAIN') && !(out.capsAfter as string[]).includes('STARTTLS'));
  assert.match(String(out.wrongPassword), /AUTHENTICATIONFAILED/);
  const list = out.list as string[];
  assert.ok(list.includes('(\\HasNoChildren) "/" "INBOX"'), list.join('\n'));
  assert.ok(list.includes('(\\HasNoChildren \\Sent) "/" "Sent"'), list.join('\n'));
  assert.ok(list.includes('(\\Noselect \\HasChildren) "/" "Shared"'), list.join('\n'));
  assert.ok(list.includes('(\\HasNoChildren) "/" "Shared/cardiologie@demo.mssante.test/INBOX"'), list.join('\n'));
  assert.equal(out.exists, 1);
  const envelope = (out.envelopes as string[])[0]!;
  assert.match(envelope, /^1 \(UID 1 FLAGS \(\) RFC822\.SIZE \d+ ENVELOPE \("Sun, 22 Nov 2026 09:00:00 \+0000" "=\?UTF-8\?Q\?R=C3=A9sultats\?= de biologie" \(\(NIL NIL "emartin" "demo\.mssante\.test"\)\)/);
  assert.match(envelope, /\(\(NIL NIL "khaddad" "demo\.mssante\.test"\)\)/);
  // Only the two fields asked for, in the message's order, then the empty line.
  assert.match(String(out.headerFields), /^(From: [^\r]+\r\nSubject: [^\r]+|Subject: [^\r]+\r\nFrom: [^\r]+)\r\n\r\n$/);
  assert.equal(out.flagsAfterPeek, '1 (FLAGS ())', 'a PEEK neither opens nor marks');
  assert.match(String(out.bodyTitle), /^1 \(BODY\[\] \{\d+\}$/);
  assert.match(String(out.body), /les résultats sont normaux\./);
  assert.deepEqual(out.partial, ['1 (BODY[1]<0> {7}', 'Bonjour']);
  assert.deepEqual(out.flags, ['1 (FLAGS (\\Flagged \\Seen))']);
  // The whole-body fetch was an opening, proven once, exactly as from the web client.
  const opened = await rt.ctx.sql.read.selectFrom('proof_event').select(['type', 'recipient', 'channel', 'actor']).where('message_id', '=', sent.messageId).where('type', '=', 'opened').execute();
  assert.deepEqual(opened.map((event) => `${event.recipient} ${event.channel} ${event.actor}`), [`khaddad@${DOMAIN} imap user:khaddad`]);
  // Read-only member of the shared mailbox: selected READ-ONLY, STORE refused.
  assert.equal(out.sharedSelect, 'READ-ONLY');
  assert.equal((out.sharedStore as string[])[0], 'NO');
  assert.deepEqual(out.sharedAppend, ['NO', `[NOPERM] user:khaddad may not add messages to this mailbox`]);
  // The date APPEND gives is the message's internal date there (kept in UTC).
  assert.equal(out.appendDated, 'OK');
  assert.equal(out.appendDate, '1 (INTERNALDATE "22-Oct-2026 06:30:00 +0000")');
  assert.match(String(out.appendBadDate), /BAD.*no such date/);
  assert.match(String(out.garbage), /BAD .*a space or "\]" in a section/);
});

/** A raw connection: writes, and collects what the server says until it closes or `until` matches. */
async function talk(port: number, lines: string[], until: RegExp): Promise<string> {
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no ${until} in: ${received}`));
    }, 10_000);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (until.test(received)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', () => undefined);
    socket.once('data', () => socket.write(lines.join('')));
  });
}

engineTest('IMAP resistance: garbage gets BAD, a big literal before login is refused, too many commands or failed logins before login close the connection', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  const imap = await startTestImap(t, rt, { plainLoginAllowed: true });
  const port = imap.port;
  const garbage = await talk(port, ['\x00\xff\r\n', 'a1 FROB\r\n', 'a2 LOGIN {5000}\r\n', 'a3 NOOP\r\n'], /a3 OK/);
  assert.match(garbage, /\* BAD /);
  assert.match(garbage, /a1 BAD unknown command FROB/);
  assert.match(garbage, /a2 NO \[TOOBIG\] a literal of 5000 bytes/);
  assert.doesNotMatch(garbage, /\+ Ready/, 'no continuation for a literal refused');
  const chatty = await talk(port, Array.from({ length: 25 }, (_, i) => `c${i} NOOP\r\n`), /\* BYE/);
  assert.match(chatty, /\* BYE Too many commands without logging in/);
  const guesser = await talk(port, ['g1 LOGIN khaddad aaaaaaaaaaaaaaaaaaaaaa\r\n', 'g2 LOGIN khaddad bbbbbbbbbbbbbbbbbbbbbbb\r\n', 'g3 LOGIN khaddad ccccccccccccccccccccccc\r\n', 'g4 NOOP\r\n'], /\* BYE/);
  assert.equal(guesser.match(/AUTHENTICATIONFAILED/g)?.length, 3);
  assert.doesNotMatch(guesser, /g4 OK/);
  const plus = await talk(port, ['p1 LOGIN {20000+}\r\n'], /\* BYE/);
  assert.match(plus, /\* BYE a literal of 20000 bytes/);
});

/** imaplib again: STATUS, SEARCH, BODYSTRUCTURE, COPY/MOVE with COPYUID, EXPUNGE, and IDLE woken by a delivery. */
const PYTHON_SECOND = String.raw`
import imaplib, json, ssl, sys
a = json.loads(sys.argv[1])
ctx = ssl.create_default_context(cafile=a["ca"])
out = {}
m = imaplib.IMAP4_SSL("127.0.0.1", a["port"], ssl_context=ctx)
m.login(a["user"], a["password"])
out["status"] = m.status("INBOX", "(MESSAGES UNSEEN UIDNEXT)")[1][0].decode()
typ, data = m._simple_command("LIST", '""', "*", "RETURN", "(STATUS (MESSAGES UNSEEN))")
out["listStatus"] = [typ, [d.decode() for d in m.untagged_responses.pop("STATUS", [])]]
m.untagged_responses.pop("LIST", None)
m.select("INBOX")
out["searchSubject"] = m.search("UTF-8", "SUBJECT", '"resultats"')[1][0].decode()
out["searchFrom"] = m.uid("SEARCH", "FROM", "emartin", "UNSEEN")[1][0].decode()
out["searchOr"] = m.search(None, "OR", "SUBJECT", "scanner", "LARGER", "100000")[1][0].decode()
out["searchNot"] = m.search(None, "NOT", "SUBJECT", "scanner")[1][0].decode()
out["searchSince"] = m.search(None, "SINCE", "1-Jan-2026", "BEFORE", "1-Jan-2030")[1][0].decode()
out["searchDeep"] = [m.search("UTF-8", "BODY", '"conclusion tardive"')[1][0].decode(), m.search(None, "TEXT", '"absente"')[1][0].decode()]
m._simple_command("UID", "SEARCH", "RETURN", "(MIN MAX COUNT ALL)", "ALL")
out["esearch"] = [d.decode() for d in m.untagged_responses.pop("ESEARCH", [])]
m._simple_command("SEARCH", "RETURN", "(SAVE)", "SUBJECT", "scanner")
out["saveQuiet"] = "ESEARCH" in m.untagged_responses
m._simple_command("FETCH", "$", "(UID)")
out["fetchSaved"] = [d.decode() for d in m.untagged_responses.pop("FETCH", [])]
m._simple_command("SEARCH", "RETURN", "(COUNT)", "$", "UNSEEN")
out["searchSaved"] = [d.decode() for d in m.untagged_responses.pop("ESEARCH", [])]
r = imaplib.IMAP4_SSL("127.0.0.1", a["port"], ssl_context=ctx)
r.login(a["user"], a["password"])
r._simple_command("ENABLE", "IMAP4rev2")
out["enabled"] = [d.decode() for d in r.untagged_responses.pop("ENABLED", [])]
r.select("INBOX")
out["rev2Select"] = ["RECENT" in r.untagged_responses, [d.decode() for d in r.untagged_responses.get("LIST", [])]]
r.untagged_responses.clear()
r._simple_command("SEARCH", "UNSEEN")
out["rev2Search"] = [d.decode() for d in r.untagged_responses.pop("ESEARCH", [])] + [d.decode() for d in r.untagged_responses.pop("SEARCH", []) if d]
r.logout()
typ, data = m.fetch("2", "(BODYSTRUCTURE)")
out["bodystructure"] = data[0].decode() if isinstance(data[0], bytes) else data[0][0].decode()
typ, data = m.fetch("2", "(BINARY.SIZE[2] BINARY.PEEK[2])")
out["binary"] = [typ, data[0][0].decode(), data[0][1].hex()]
typ, data = m.fetch("2", "(BINARY.PEEK[1]<0.5>)")
out["binaryText"] = [typ, data[0][0].decode(), data[0][1].decode()]
try:
    m._simple_command("FETCH", "2", "(BINARY[2.HEADER])")
    out["binaryBad"] = "accepted"
except m.error as error:
    out["binaryBad"] = str(error)
typ, data = m.uid("COPY", "1", "Archive")
out["copy"] = [typ, m.untagged_responses.get("COPYUID", [b""])[-1].decode() if "COPYUID" in m.untagged_responses else "", data[0].decode() if data[0] else ""]
typ, data = m._simple_command("UID", "MOVE", "2", "Archive")
out["move"] = [typ, [d.decode() for d in m.untagged_responses.get("EXPUNGE", [])]]
m.untagged_responses.clear()
m.store("1", "+FLAGS", "(\\Deleted)")
typ, data = m.expunge()
out["expunge"] = [typ, [d.decode() for d in data if d]]
out["statusArchives"] = m.status("Archive", "(MESSAGES)")[1][0].decode()
m.select("INBOX")
tag = m._new_tag()
m.send(tag + b" IDLE\r\n")
out["idleStart"] = m.readline().decode().strip()
print("IDLING", flush=True)
out["idleWoken"] = m.readline().decode().strip()
m.send(b"DONE\r\n")
out["idleDone"] = m.readline().decode().strip()
m.logout()
print(json.dumps(out), flush=True)
`;

engineTest('IMAP: STATUS, SEARCH (text, flags, dates, sizes, OR, NOT), BODYSTRUCTURE, COPY and MOVE with COPYUID, EXPUNGE, and IDLE woken by a delivery, with imaplib over implicit TLS', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  const { secret } = await createAppPassword(rt.ctx, 'khaddad', 'imaplib');
  await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject: 'Résultats de biologie', body: `${'Texte du compte rendu. '.repeat(40)}Conclusion tardive : normal.` }));
  await send(rt.ctx, `sbernard@${DOMAIN}`, 'sbernard', rawMessage({ from: `sbernard@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject: 'Compte rendu du scanner', attachment: { name: 'scanner.pdf', bytes: Buffer.from('%PDF-1.4\0scanner') } }));
  const imap = await startTestImap(t, rt, { implicitTls: true });
  const { spawn } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const args = { ca: imap.ca, port: imap.port, user: 'khaddad', password: secret };
  const child = spawn('python3', ['-c', PYTHON_SECOND, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      // The client is idling: a delivery must wake it, with no polling on our side.
      if (line === 'IDLING') void send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject: 'Pendant IDLE' })).catch(reject);
    });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`python exited ${code}: ${stderr}`))));
  });
  const out = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  assert.equal(out.status, '"INBOX" (MESSAGES 2 UNSEEN 2 UIDNEXT 3)');
  // LIST-STATUS (RFC 5819): each folder listed comes with its counters.
  const listStatus = out.listStatus as [string, string[]];
  assert.equal(listStatus[0], 'OK');
  assert.ok(listStatus[1].includes('"INBOX" (MESSAGES 2 UNSEEN 2)'), listStatus[1].join(' | '));
  assert.ok(listStatus[1].includes('"Archive" (MESSAGES 0 UNSEEN 0)'));
  // BINARY (RFC 3516): the attachment's base64 undone, byte for byte, as a literal8 since it holds a NUL.
  const binary = out.binary as string[];
  assert.equal(binary[0], 'OK');
  assert.match(binary[1]!, /BINARY\.SIZE\[2\] 16 BINARY\[2\] ~\{16\}$/);
  assert.equal(binary[2], Buffer.from('%PDF-1.4\0scanner').toString('hex'));
  assert.deepEqual(out.binaryText, ['OK', '2 (BINARY[1]<0> {5}', 'Bonjo']);
  assert.match(String(out.binaryBad), /BAD .*a BINARY section is a part number/);
  assert.equal(out.searchSubject, '1', 'accents and case ignored');
  assert.equal(out.searchFrom, '1');
  assert.equal(out.searchOr, '2');
  assert.equal(out.searchNot, '1');
  assert.equal(out.searchSince, '1 2');
  assert.deepEqual(out.searchDeep, ['1', ''], 'BODY finds words far past the indexed start of the text');
  // ESEARCH (RFC 4731), SEARCHRES (RFC 5182): results kept as $ and named by later commands.
  assert.match((out.esearch as string[])[0]!, /^\(TAG "[A-Z0-9]+"\) UID MIN \d+ MAX \d+ COUNT 2 ALL \d+(:\d+|,\d+)$/);
  assert.equal(out.saveQuiet, false, 'RETURN (SAVE) alone answers nothing but OK');
  assert.deepEqual(out.fetchSaved, ['2 (UID 2)']);
  assert.match((out.searchSaved as string[])[0]!, /^\(TAG "[A-Z0-9]+"\) COUNT 1$/);
  // IMAP4rev2 once enabled: no \Recent, the mailbox named by LIST, every search answered by ESEARCH.
  assert.deepEqual(out.enabled, ['IMAP4rev2']);
  assert.deepEqual(out.rev2Select, [false, ['() "/" "INBOX"']]);
  assert.match((out.rev2Search as string[])[0]!, /^\(TAG "[A-Z0-9]+"\) ALL 1:2$/);
  assert.match(String(out.bodystructure), /^2 \(BODYSTRUCTURE \(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\) NIL NIL "7BIT" \d+ 2 NIL NIL NIL NIL\)\("APPLICATION" "PDF" \("NAME" "scanner\.pdf"\) NIL NIL "BASE64" \d+ NIL \("ATTACHMENT" \("FILENAME" "scanner\.pdf"\)\) NIL NIL\) "MIXED" \("BOUNDARY" "missive-test-boundary"\) NIL NIL NIL\)\)$/);
  const copy = out.copy as string[];
  assert.equal(copy[0], 'OK');
  assert.match(copy[1]!, /^\d+ 1 1$/, 'COPYUID: validity, source UID, new UID');
  assert.deepEqual(out.move, ['OK', ['2']]);
  assert.deepEqual(out.expunge, ['OK', ['1']]);
  assert.equal(out.statusArchives, '"Archive" (MESSAGES 2)');
  assert.equal(out.idleStart, '+ idling');
  assert.equal(out.idleWoken, '* 1 EXISTS');
  assert.match(String(out.idleDone), /OK IDLE terminated$/);
});
