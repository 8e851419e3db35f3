/**
 * The one way to call the API: JSON in and out, the CSRF token on every change, errors as
 * ApiError, and a 401 anywhere sends the user back to the login screen.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds: number | null;

  constructor(status: number, code: string, message: string, retryAfterSeconds: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const API_BASE = '/api/v1';

// Kept in memory only: after a reload, GET /me gives it back to a page holding the session cookie.
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

let unauthorizedHandler: (() => void) | null = null;

export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

export function notifyUnauthorized(): void {
  unauthorizedHandler?.();
}

export type RequestOptions = {
  body?: unknown;
  signal?: AbortSignal;
  /** The login steps answer 401 for a wrong password or code: that is not a lost session. */
  expect401?: boolean;
};

export async function apiRequest<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const token = getCsrfToken();
  if (method !== 'GET' && token) headers['x-csrf-token'] = token;
  let response: Response;
  try {
    response = await fetch(API_BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'network unreachable');
  }
  if (response.status === 204) return undefined as T;
  if (!response.ok) throw await errorOf(response, options.expect401 ?? false);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function errorOf(response: Response, expect401: boolean): Promise<ApiError> {
  let code = `http_${response.status}`;
  let message = response.statusText;
  try {
    const body = (await response.json()) as { error?: string; message?: string };
    if (typeof body.error === 'string') code = body.error;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not JSON: keep the status line.
  }
  const retry = Number(response.headers.get('retry-after'));
  if (response.status === 401 && !expect401) notifyUnauthorized();
  return new ApiError(response.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : null);
}

export const get = <T>(path: string, signal?: AbortSignal) => apiRequest<T>('GET', path, signal ? { signal } : {});
export const post = <T>(path: string, body?: unknown) => apiRequest<T>('POST', path, body === undefined ? {} : { body });
export const put = <T>(path: string, body?: unknown) => apiRequest<T>('PUT', path, body === undefined ? {} : { body });
export const patch = <T>(path: string, body?: unknown) => apiRequest<T>('PATCH', path, body === undefined ? {} : { body });
export const del = <T>(path: string, body?: unknown) => apiRequest<T>('DELETE', path, body === undefined ? {} : { body });

/** True when the route is not on this server yet (or the thing is not ours): the UI degrades. */
export function isMissing(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const seg = encodeURIComponent;
