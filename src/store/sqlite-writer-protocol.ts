/** Messages between the main thread and the SQLite writer thread (structured-clone safe). */
export type WriterRequest =
  | { id: number; kind: 'query'; sql: string; parameters: readonly unknown[] }
  | { id: number; kind: 'procedure'; name: string; args: unknown };

export type WriterError = { message: string; errcode: number | null; code: string | null };

export type WriterReply =
  | { id: number; rows: Record<string, unknown>[]; changes?: number; lastInsertRowid?: number; result?: unknown; error?: undefined }
  | { id: number; error: WriterError };
