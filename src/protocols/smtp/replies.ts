import { isMissiveError, type MissiveErrorCode } from '../../core/errors.ts';

/** An error smtp-server answers with its own code and text. */
export type SmtpReplyError = Error & { responseCode: number };

// The reply code per service error; smtp-server adds the enhanced status code (RFC 3463) that goes with it.
const REPLIES: Partial<Record<MissiveErrorCode, number>> = {
  unauthorized: 535,
  forbidden: 550,
  invalid_address: 553,
  unknown_recipient: 550,
  route_unavailable: 550,
  too_many_recipients: 452,
  message_too_large: 552,
  attachment_too_large: 552,
  malformed_message: 554,
  rate_limited: 421,
  invalid_argument: 501,
};

/** A service error as an SMTP reply; anything unexpected is a temporary failure, never a 250. */
export function smtpReply(error: unknown): SmtpReplyError {
  if (isMissiveError(error)) {
    return Object.assign(new Error(error.message.replace(/[\r\n]+/g, ' ').slice(0, 400)), { responseCode: REPLIES[error.code] ?? 451 });
  }
  return Object.assign(new Error('Temporary failure, the message was not accepted; try again later'), { responseCode: 451 });
}
