import type { TlsMaterial } from './smtp/tls-material.ts';

/** What every mail listener pair (SMTP submission, IMAP) is started with. */
export type TlsListenerOptions = {
  host: string;
  /** The STARTTLS port (587, 143); -1: not listened on; 0: a free one. */
  port: number;
  /** The implicit TLS port (465, 993); -1: not listened on; 0: a free one. */
  securePort: number;
  domain: string;
  tls: TlsMaterial;
  allowTls13: boolean;
  /** Connections one address may hold at once (default CONNECTIONS_PER_ADDRESS). */
  connectionsPerAddress?: number;
};

/** The ports listened on, and how to stop. */
export type TlsListeners = { port: number | null; securePort: number | null; close(): Promise<void> };
