import { apiRequest, del, get, post, put } from './client.ts';
import type { Me, Preferences } from './types.ts';

/** Who is logged in; a 401 means nobody (the caller decides, no redirect from here). */
export const fetchMe = () => apiRequest<Me>('GET', '/me', { expect401: true });

export const savePreferences = (preferences: Preferences) => put<Preferences>('/me/preferences', preferences);

export type AppPassword = { id: string; label: string; createdAt: number; lastUsedAt: number | null };
export const listAppPasswords = () => get<AppPassword[]>('/me/app-passwords');
/** The answer is the only time the secret is shown. */
export const createAppPassword = (label: string) => post<AppPassword & { secret: string }>('/me/app-passwords', { label });
export const revokeAppPassword = (id: string) => del<void>(`/me/app-passwords/${encodeURIComponent(id)}`);

export type AccessToken = { id: string; label: string; createdAt: number; expiresAt: number };
export const listAccessTokens = () => get<AccessToken[]>('/me/access-tokens');
/** The answer is the only time the token is shown. */
export const issueAccessToken = (label: string, lifetimeSeconds: number) => post<AccessToken & { token: string }>('/me/access-tokens', { label, lifetimeSeconds });
export const revokeAccessToken = (id: string) => del<void>(`/me/access-tokens/${encodeURIComponent(id)}`);
