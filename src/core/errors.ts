/**
 * Errors a caller can show to a person or a peer as they are: a stable code for programs and
 * protocols (SMTP/IMAP/HTTP adapters map codes to their own replies) and a clear message.
 * Messages never carry secrets or message content.
 */
export type MissiveErrorCode =
  | 'invalid_address'
  | 'invalid_argument'
  | 'not_found'
  | 'forbidden'
  | 'unknown_recipient'
  | 'route_unavailable'
  | 'too_many_recipients'
  | 'attachment_too_large'
  | 'message_too_large'
  | 'malformed_message'
  | 'content_purged'
  | 'conflict'
  | 'configuration'
  | 'unauthorized'
  | 'rate_limited';

export class MissiveError extends Error {
  readonly code: MissiveErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: MissiveErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'MissiveError';
    this.code = code;
    this.details = details;
  }
}

export function isMissiveError(error: unknown, code?: MissiveErrorCode): error is MissiveError {
  return error instanceof MissiveError && (code === undefined || error.code === code);
}
