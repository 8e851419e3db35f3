import type { MissiveErrorCode } from '../../core/errors.ts';

/** How each service refusal reads in HTTP. */
export const STATUS_OF: Record<MissiveErrorCode, number> = {
  invalid_address: 400,
  invalid_argument: 400,
  malformed_message: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  content_purged: 410,
  too_many_recipients: 413,
  attachment_too_large: 413,
  message_too_large: 413,
  unknown_recipient: 422,
  route_unavailable: 422,
  rate_limited: 429,
  configuration: 500,
};
