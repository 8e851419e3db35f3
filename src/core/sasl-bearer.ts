/**
 * The two bearer-token SASL messages (decoded from base64): XOAUTH2 (`user=…^Aauth=Bearer …^A^A`)
 * and OAUTHBEARER (RFC 7628: a GS2 header `n,a=user,` then `key=value` pairs separated by ^A).
 * The user may be absent from OAUTHBEARER: the token then says who it is.
 */
export function parseBearerMessage(mechanism: 'XOAUTH2' | 'OAUTHBEARER', message: string): { user: string | null; token: string } | null {
  const [first = '', ...rest] = message.split('\x01');
  let user: string | null = null;
  let pairs: string[];
  if (mechanism === 'OAUTHBEARER') {
    const gs2 = /^[ny],(?:a=([^,]*))?,$/.exec(first);
    if (!gs2) return null;
    // RFC 5801 escapes in the authorization identity.
    user = gs2[1] ? gs2[1].replace(/=2C/g, ',').replace(/=3D/g, '=') : null;
    pairs = rest;
  } else {
    pairs = [first, ...rest];
    user = pairs.map((pair) => /^user=(.+)$/.exec(pair)?.[1]).find(Boolean) ?? null;
    if (!user) return null;
  }
  const token = pairs.map((pair) => /^auth=Bearer +(\S+)$/i.exec(pair)?.[1]).find(Boolean);
  if (!token || (user !== null && /[\x00-\x1f\x7f]/.test(user))) return null;
  return { user, token };
}
