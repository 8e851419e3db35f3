/**
 * Mailbox names in modified UTF-7 (RFC 3501 §5.1.3), as IMAP4rev1 clients write and expect them:
 * printable ASCII as itself ("&" as "&-"), anything else as "&" + base64 of UTF-16BE (with ","
 * for "/", no padding) + "-". IMAP4rev2 clients use UTF-8 instead.
 */
export function encodeMailboxName(name: string): string {
  let out = '';
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const utf16 = Buffer.alloc(pending.length * 2);
    for (let i = 0; i < pending.length; i++) utf16.writeUInt16BE(pending.charCodeAt(i), i * 2);
    out += `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = '';
  };
  for (const char of name) {
    const code = char.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) {
      flush();
      out += char === '&' ? '&-' : char;
    } else {
      pending += char;
    }
  }
  flush();
  return out;
}

/** The name a client wrote in modified UTF-7, or null when it is not valid modified UTF-7. */
export function decodeMailboxName(text: string): string | null {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const code = char.charCodeAt(0);
    if (code < 0x20 || code > 0x7e) return null;
    if (char !== '&') {
      out += char;
      continue;
    }
    const end = text.indexOf('-', i + 1);
    if (end === -1) return null;
    const encoded = text.slice(i + 1, end);
    i = end;
    if (encoded === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(encoded)) return null;
    const bytes = Buffer.from(encoded.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0 || bytes.length === 0) return null;
    let decoded = '';
    for (let at = 0; at < bytes.length; at += 2) decoded += String.fromCharCode(bytes.readUInt16BE(at));
    // What was encoded must have needed it, and be whole UTF-16.
    if (!decoded.isWellFormed() || [...decoded].some((c) => c.codePointAt(0)! >= 0x20 && c.codePointAt(0)! <= 0x7e)) return null;
    out += decoded;
  }
  return out;
}
