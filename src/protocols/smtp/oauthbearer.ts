import SASL from 'smtp-server/lib/sasl.js';
import { parseBearerMessage } from '../../core/sasl-bearer.ts';

type Connection = {
  _server: { onAuth: (auth: { method: string; username: string; accessToken: string }, session: unknown, callback: (error: (Error & { responseCode?: number }) | null, response?: { user?: unknown; data?: object }) => void) => void };
  session: { user?: unknown };
  _nextHandler: ((data: unknown, callback: () => void) => void) | null;
  send(code: number, text?: string): void;
};
type Callback = () => void;

/**
 * SASL OAUTHBEARER (RFC 7628), which smtp-server lacks while it has XOAUTH2: mechanisms are
 * looked up by name on its SASL table, so this adds one entry there. The client's message
 * (read by core/sasl-bearer.ts) gives its token to the same onAuth as XOAUTH2. A refusal is the RFC's: a 334
 * with a JSON error, the client's ^A, then 535.
 */
export function enableOauthBearer(): void {
  if (typeof SASL.SASL_OAUTHBEARER === 'function') return;
  SASL.SASL_OAUTHBEARER = function (this: Connection, args: string[], callback: Callback) {
    if (args.length > 1) {
      this.send(501, 'Error: syntax: AUTH OAUTHBEARER token');
      return callback();
    }
    if (args.length === 0) {
      this._nextHandler = (data, next) => {
        this._nextHandler = null;
        oauthBearerToken.call(this, String(data ?? ''), next);
      };
      this.send(334);
      return callback();
    }
    oauthBearerToken.call(this, args[0]!, callback);
  };
}

function oauthBearerToken(this: Connection, raw: string, callback: Callback): void {
  const text = raw.trim();
  if (text === '*') {
    this.send(501, 'Authentication aborted');
    return callback();
  }
  const parsed = parseBearerMessage('OAUTHBEARER', Buffer.from(text, 'base64').toString('utf8'));
  if (!parsed) {
    this.send(501, 'Error: invalid OAUTHBEARER message');
    return callback();
  }
  this._server.onAuth({ method: 'OAUTHBEARER', username: parsed.user ?? '', accessToken: parsed.token }, this.session, (error, response) => {
    if (error) {
      this.send(error.responseCode ?? 535, error.message);
      return callback();
    }
    if (!response?.user) {
      this._nextHandler = (_data, next) => {
        this._nextHandler = null;
        this.send(535, 'Error: invalid or expired token');
        next();
      };
      this.send(334, Buffer.from(JSON.stringify(response?.data ?? { status: 'invalid_token' })).toString('base64'));
      return callback();
    }
    this.session.user = response.user;
    this.send(235, 'Authentication successful');
    callback();
  });
}
