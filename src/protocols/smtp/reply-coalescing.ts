import type { Socket } from 'node:net';

/**
 * A pipelining client sends MAIL, every RCPT and DATA in one packet (RFC 2920); their replies,
 * written one by one, would each be a TLS record and a write of their own. Held from the arrival
 * of a packet to the end of that turn of the event loop, the replies ready by then leave together.
 * A reply that waits for something (the 250 after the commit) is written as soon as it is ready.
 */
export function coalesceReplies(socket: Socket): void {
  socket.on('data', () => {
    if (socket.writableCorked > 0) return;
    socket.cork();
    setImmediate(() => {
      if (socket.writableCorked > 0) socket.uncork();
    });
  });
}
