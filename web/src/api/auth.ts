import { apiRequest, del, get, post, seg } from './client.ts';
import type { LoginChallenge, SessionInfo, TotpSetup, TotpStatus, Verified } from './types.ts';

export const login = (identifier: string, password: string) =>
  apiRequest<LoginChallenge>('POST', '/auth/login', { body: { identifier, password }, expect401: true });

export const verify = (challengeId: string, code: string) =>
  apiRequest<Verified>('POST', '/auth/verify', { body: { challengeId, code }, expect401: true });

export const logout = () => post<void>('/auth/logout');

export const listSessions = () => get<SessionInfo[]>('/auth/sessions');
export const revokeSession = (id: string) => del<void>(`/auth/sessions/${seg(id)}`);

// A wrong current password is a 401 here too, and must not end the session on screen.
export const changePassword = (current: string, next: string) =>
  apiRequest<void>('POST', '/auth/password', { body: { current, next }, expect401: true });

export const totpStatus = () => get<TotpStatus>('/auth/totp');
export const totpSetup = (password: string) => apiRequest<TotpSetup>('POST', '/auth/totp/setup', { body: { password }, expect401: true });
export const totpConfirm = (code: string) => apiRequest<void>('POST', '/auth/totp/confirm', { body: { code }, expect401: true });
export const totpDisable = (password: string, code: string) =>
  apiRequest<void>('DELETE', '/auth/totp', { body: { password, code }, expect401: true });
