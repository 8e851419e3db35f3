import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import type { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { NativeScanStream } from './data-scanner.ts';

/**
 * smtp-server as Missive's listeners run it, with two changes to its connections:
 *
 * - The greeting goes as soon as a connection is set up. smtp-server holds every greeting for
 *   100 ms to catch "early talkers", spam robots that speak before the banner on a public MX
 *   server; Missive's listeners serve only clients that must authenticate (AUTH on submission, a
 *   whitelisted operator's certificate on the exchange port), so the pause caught no one, and it
 *   cost every connection 100 ms, a client sending one message per connection most of its time.
 *   A client that speaks first is still served in order: its bytes wait for the greeting.
 * - The DATA payload is searched for its end natively (see data-scanner.ts).
 */
export class MissiveSmtpServer extends SMTPServer {
  override connect(socket: Socket | TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new MissiveConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (error: Error) => this._onError(error));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }
}

class MissiveConnection extends SMTPConnection {
  override init(): void {
    this._setListeners(() => {
      const { maxClients } = this._server.options;
      if (maxClients && this._server.connections.size > maxClients) return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
      this.connectionReady();
    });
  }

  // The library's parser wiring, with the natively scanning parser.
  override _createParser(): SMTPStream {
    const parser = new NativeScanStream({ maxCommandLength: this._server.options.maxCommandLength });
    parser.oncommand = (command, callback) => this._onCommand(command, callback);
    parser.on('error', (error: Error) => this.send(421, `Error: ${error.message}`));
    return parser;
  }
}
