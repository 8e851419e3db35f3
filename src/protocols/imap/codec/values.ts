/** What an IMAP command's arguments are made of, as the parser hands them out (RFC 9051 §4). */
export type ImapValue = ImapAtom | ImapString | ImapList;

/**
 * An atom as written (`FLAGS`, `1:*`, `\Seen`, `INBOX`, `NIL`), case kept. A fetch attribute such
 * as `BODY.PEEK[HEADER.FIELDS (FROM)]<0.100>` is one atom with its section and partial range.
 */
export type ImapAtom = { readonly type: 'atom'; readonly value: string; readonly section?: readonly ImapValue[]; readonly partial?: readonly [number, number] };

/** A quoted string or a literal (`literal8` for `~{n}`: BINARY content); bytes, as sent. */
export type ImapString = { readonly type: 'string'; readonly value: Buffer; readonly form: 'quoted' | 'literal' | 'literal8' };

export type ImapList = { readonly type: 'list'; readonly items: readonly ImapValue[] };

export type ImapCommand = {
  readonly tag: string;
  /** Upper-cased; `UID FETCH`, `UID STORE`… for the UID forms. */
  readonly name: string;
  readonly args: readonly ImapValue[];
};

/** Malformed input: the session answers BAD (tagged when the tag was read), never crashes. */
export class ImapParseError extends Error {
  readonly tag: string | null;
  constructor(message: string, tag: string | null = null) {
    super(message);
    this.name = 'ImapParseError';
    this.tag = tag;
  }
}
