import { API_BASE, ApiError, getCsrfToken, notifyUnauthorized } from './client.ts';
import type { Upload } from './types.ts';

/** The server's limit per attachment (decoded bytes): checked here before anything is sent. */
export const MAX_ATTACHMENT_BYTES = 10_485_760;

export type UploadTask = { promise: Promise<Upload>; abort(): void };

/** XMLHttpRequest rather than fetch: it reports upload progress. */
export function uploadFile(file: File, onProgress: (loaded: number, total: number) => void): UploadTask {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<Upload>((resolve, reject) => {
    xhr.open('POST', `${API_BASE}/uploads?filename=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    const token = getCsrfToken();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      let body: { error?: string; message?: string } & Partial<Upload> = {};
      try {
        body = JSON.parse(xhr.responseText || '{}');
      } catch {
        body = {};
      }
      if (xhr.status >= 200 && xhr.status < 300 && typeof body.id === 'string') {
        resolve(body as Upload);
        return;
      }
      if (xhr.status === 401) notifyUnauthorized();
      reject(new ApiError(xhr.status, body.error ?? `http_${xhr.status}`, body.message ?? xhr.statusText));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network unreachable'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'aborted'));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}
