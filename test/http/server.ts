import type { FastifyInstance } from 'fastify';
import { ALL_RIGHTS } from '../../src/core/mailbox.ts';
import { buildHttpApp, type HttpOptions } from '../../src/protocols/http/app.ts';
import { addDomain, addMailbox, addUser } from '../../src/services/accounts.ts';
import type { TestRuntime } from '../support/engines.ts';
import { PASSWORD } from './login.ts';

export const D = 'demo.mssante.test';

export type Session = { cookie: string; csrf: string };

/**
 * An operator with three users (their personal mailboxes) and the cardiology service's shared
 * mailbox, where emartin has every right and the secretary sbernard may read but not send nor
 * manage; served over real HTTP on a free port.
 */
export async function serve(rt: TestRuntime, options: Partial<HttpOptions> = {}): Promise<{ app: FastifyInstance; url: string; ids: Record<string, string> }> {
  const { ctx } = rt;
  await addDomain(ctx, D);
  const ids: Record<string, string> = {};
  for (const id of ['emartin', 'sbernard', 'khaddad']) {
    await addUser(ctx, { id, displayName: id, password: PASSWORD, notifyEmail: `${id}@exemple.fr` });
    ids[id] = await addMailbox(ctx, { address: `${id}@${D}`, kind: 'PER', displayName: id, members: [{ userId: id, rights: ALL_RIGHTS }] });
  }
  ids.cardio = await addMailbox(ctx, {
    address: `cardio@${D}`,
    kind: 'ORG',
    displayName: 'Cardio',
    members: [
      { userId: 'emartin', rights: ALL_RIGHTS },
      { userId: 'sbernard', rights: { read: true, send: false, manage: false } },
    ],
  });
  const app = await buildHttpApp(ctx, { version: 'test', devOutbox: true, secureCookies: false, ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, ids };
}

/** Requests as a logged-in user: the session cookie always, the CSRF token on changes. */
export function as(url: string, session: Session) {
  const change = (method: string) => (path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    get: (path: string) => fetch(`${url}${path}`, { headers: { cookie: session.cookie } }),
    post: change('POST'),
    put: change('PUT'),
    patch: change('PATCH'),
    delete: change('DELETE'),
  };
}
