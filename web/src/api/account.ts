import { apiRequest, put } from './client.ts';
import type { Me, Preferences } from './types.ts';

/** Who is logged in; a 401 means nobody (the caller decides, no redirect from here). */
export const fetchMe = () => apiRequest<Me>('GET', '/me', { expect401: true });

export const savePreferences = (preferences: Preferences) => put<Preferences>('/me/preferences', preferences);
