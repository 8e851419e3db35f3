import { randomBytes } from 'node:crypto';
import { ALL_RIGHTS } from '../core/mailbox.ts';
import { listUsers } from '../store/repositories/accounts.ts';
import { addDomain, addMailbox, addStructure, addUser } from './accounts.ts';
import type { ServiceContext } from './context.ts';
import { deposit } from './deposit/deposit.ts';

export type DemoCredentials = { domain: string; users: { id: string; name: string; role: string; password: string; mailboxes: string[] }[] };

/**
 * The demo operator `npm start` creates on an empty development instance: a hospital service
 * and a practice, a physician, a secretary and a nurse, an organisational mailbox the physician
 * and the secretary share, and a few messages between them. Passwords are random per instance.
 */
export async function seedDemo(ctx: ServiceContext, domain: string): Promise<DemoCredentials | null> {
  if ((await listUsers(ctx.sql.read)).length > 0) return null;
  await addDomain(ctx, domain);
  const hospital = await addStructure(ctx, { name: 'Centre hospitalier de Démo — Cardiologie', finess: '010000001', postcode: '35033', city: 'Rennes' });
  const practice = await addStructure(ctx, { name: 'Cabinet infirmier du Parc', siret: '12345678900017', postcode: '35700', city: 'Rennes' });
  const people = [
    { id: 'eloise.martin', name: 'Dr Éloïse Martin', last: 'Martin', first: 'Éloïse', role: 'médecin cardiologue', profession: 'Médecin', rpps: '10100271385', structure: hospital },
    { id: 'sophie.bernard', name: 'Sophie Bernard', last: 'Bernard', first: 'Sophie', role: 'secrétaire médicale', profession: 'Secrétaire médicale', structure: hospital },
    { id: 'karim.haddad', name: 'Karim Haddad', last: 'Haddad', first: 'Karim', role: 'infirmier libéral', profession: 'Infirmier', rpps: '10100345678', structure: practice },
  ];
  const credentials: DemoCredentials = { domain, users: [] };
  for (const person of people) {
    const password = `demo-${randomBytes(9).toString('base64url')}`;
    await addUser(ctx, {
      id: person.id,
      displayName: person.name,
      lastName: person.last,
      firstName: person.first,
      password,
      profession: person.profession,
      structureId: person.structure,
      notifyEmail: `${person.id}@exemple.invalid`,
      ...(person.rpps ? { rpps: person.rpps } : {}),
    });
    const address = `${person.id}@${domain}`;
    await addMailbox(ctx, { address, kind: 'PER', displayName: person.name, structureId: person.structure, members: [{ userId: person.id, rights: ALL_RIGHTS }] });
    credentials.users.push({ id: person.id, name: person.name, role: person.role, password, mailboxes: [address] });
  }
  const service = `cardiologie@${domain}`;
  await addMailbox(ctx, {
    address: service,
    kind: 'ORG',
    displayName: 'Cardiologie — secrétariat',
    structureId: hospital,
    members: [
      { userId: 'eloise.martin', rights: ALL_RIGHTS },
      { userId: 'sophie.bernard', rights: { read: true, send: true, manage: false } },
    ],
  });
  credentials.users[0]!.mailboxes.push(service);
  credentials.users[1]!.mailboxes.push(service);

  const letters = [
    { as: 'karim.haddad', from: `karim.haddad@${domain}`, to: [service], subject: 'Demande de rendez-vous pour M. Dupont', body: 'Bonjour,\r\nPourriez-vous proposer un rendez-vous de consultation pour M. Dupont ?\r\nCordialement,\r\nKarim Haddad' },
    { as: 'sophie.bernard', from: service, to: [`karim.haddad@${domain}`], subject: 'Re: Demande de rendez-vous pour M. Dupont', body: 'Bonjour,\r\nLe Dr Martin le recevra mardi à 10 h.\r\nSophie Bernard, secrétariat de cardiologie' },
    { as: 'eloise.martin', from: `eloise.martin@${domain}`, to: [`karim.haddad@${domain}`], subject: 'XDM/1.0/DDM+Compte rendu de consultation DUPONT Jean 12/03/1958', body: 'Bonjour,\r\nVoici le compte rendu de consultation de M. Dupont.\r\nBien confraternellement,\r\nDr Éloïse Martin' },
  ];
  for (const letter of letters) {
    const raw = [
      `From: ${letter.from}`,
      `To: ${letter.to.join(', ')}`,
      `Subject: =?UTF-8?B?${Buffer.from(letter.subject).toString('base64')}?=`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      'X-MSS-NIL: Missive demo',
      '',
      letter.body,
      '',
    ].join('\r\n');
    await deposit(ctx, { principal: { kind: 'user', userId: letter.as }, channel: 'system', envelope: { from: letter.from, to: letter.to }, source: [Buffer.from(raw)] });
  }
  return credentials;
}
