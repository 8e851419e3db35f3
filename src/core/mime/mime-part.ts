import type { HeaderField } from '../header-block.ts';

/**
 * One node of a message's MIME tree, with the byte offsets IMAP needs (BODY[1.2], BODYSTRUCTURE)
 * so that no reader ever re-parses the message.
 */
export type MimePart = {
  /** `type/subtype`, lower-case; `text/plain` when absent (RFC 2045 §5.2). */
  contentType: string;
  params: Record<string, string>;
  disposition: string | null;
  dispositionParams: Record<string, string>;
  /** Content-Transfer-Encoding, lower-case; `7bit` when absent. */
  encoding: string;
  contentId: string | null;
  description: string | null;
  headers: HeaderField[];
  /** Offsets in the stored message: header start, body start, body end (exclusive). */
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  /** Lines in the body (IMAP reports them for text/* and message/rfc822). */
  lines: number;
  /** Size once the transfer encoding is undone. */
  decodedSize: number;
  /** True for a part a person would call an attachment (file, image, document). */
  attachment: boolean;
  children: MimePart[];
};

export function filenameOf(part: MimePart): string | null {
  return part.dispositionParams.filename ?? part.params.name ?? null;
}
