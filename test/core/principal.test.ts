import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_RIGHTS, NO_RIGHTS, type Rights } from '../../src/core/mailbox.ts';
import { describePrincipal, mayAct, type Principal } from '../../src/core/principal.ts';

const RIGHTS = ['read', 'send', 'manage'] as const;
const secretary: Rights = { read: true, send: true, manage: false };
const emartin: Principal = { kind: 'user', userId: 'emartin' };
const app: Principal = { kind: 'application', mailboxId: 'mbx_app' };
const operator: Principal = { kind: 'operator', name: 'admin' };

describe('mayAct', () => {
  it('lets a user act through a member row holding that right', () => {
    const member = { mailboxId: 'mbx_cardio', rights: secretary };
    assert.deepEqual(
      RIGHTS.map((right) => mayAct(emartin, 'mbx_cardio', right, member)),
      [true, true, false],
    );
  });

  it('refuses a user without membership, with a member row of another mailbox, or with no rights', () => {
    for (const right of RIGHTS) {
      assert.equal(mayAct(emartin, 'mbx_cardio', right, undefined), false);
      assert.equal(mayAct(emartin, 'mbx_cardio', right, { mailboxId: 'mbx_other', rights: ALL_RIGHTS }), false);
      assert.equal(mayAct(emartin, 'mbx_cardio', right, { mailboxId: 'mbx_cardio', rights: NO_RIGHTS }), false);
    }
  });

  it('lets an application act on its own mailbox only', () => {
    for (const right of RIGHTS) {
      assert.equal(mayAct(app, 'mbx_app', right, undefined), true);
      assert.equal(mayAct(app, 'mbx_other', right, undefined), false);
      // A member row passed by mistake gives an application nothing.
      assert.equal(mayAct(app, 'mbx_other', right, { mailboxId: 'mbx_other', rights: ALL_RIGHTS }), false);
    }
  });

  it('never lets the operator act on a local mailbox', () => {
    for (const right of RIGHTS) {
      assert.equal(mayAct(operator, 'mbx_cardio', right, undefined), false);
      assert.equal(mayAct(operator, 'mbx_cardio', right, { mailboxId: 'mbx_cardio', rights: ALL_RIGHTS }), false);
    }
  });
});

describe('describePrincipal', () => {
  it('names each kind of principal', () => {
    assert.deepEqual([emartin, app, operator].map(describePrincipal), ['user:emartin', 'application:mbx_app', 'operator:admin']);
  });
});
