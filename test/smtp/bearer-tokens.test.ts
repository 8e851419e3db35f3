import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { startSubmission } from '../../src/protocols/smtp/submission.ts';
import { loadTlsMaterial } from '../../src/protocols/smtp/tls-material.ts';
import { engineTest } from '../support/engines.ts';
import { logIn } from '../http/login.ts';
import { as, D, serve } from '../http/server.ts';

const exec = promisify(execFile);

/** Python's smtplib with SASL XOAUTH2 and OAUTHBEARER (RFC 7628), each on its own connection. */
const PYTHON_CLIENT = String.raw`
import json, smtplib, ssl, sys
a = json.loads(sys.argv[1])
ctx = ssl.create_default_context(cafile=a["ca"])
out = {}
def attempt(name, mechanism, user, token):
    s = smtplib.SMTP("127.0.0.1", a["port"], timeout=20)
    s.starttls(context=ctx)
    s.ehlo()
    out.setdefault("features", s.esmtp_features.get("auth", "").strip())
    answers = []
    def respond(challenge=None):
        if challenge is None:
            if mechanism == "XOAUTH2":
                return "user=%s\x01auth=Bearer %s\x01\x01" % (user, token)
            return "n,a=%s,\x01host=127.0.0.1\x01port=%d\x01auth=Bearer %s\x01\x01" % (user, a["port"], token)
        answers.append(challenge.decode())
        return "\x01"
    try:
        code, _ = s.auth(mechanism, respond, initial_response_ok=True)
        s.sendmail(a["sender"], [a["rcpt"]], ("From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\nJeton.\r\n" % (a["sender"], a["rcpt"], name)).encode())
        out[name] = [code]
    except smtplib.SMTPAuthenticationError as e:
        out[name] = [e.smtp_code, answers]
    s.close()
attempt("xoauth2", "XOAUTH2", "emartin", a["token"])
attempt("oauthbearer", "OAUTHBEARER", "emartin@demo.mssante.test", a["token"])
attempt("noIdentity", "OAUTHBEARER", "", a["token"])
attempt("someoneElse", "XOAUTH2", "khaddad", a["token"])
attempt("forged", "OAUTHBEARER", "emartin", "mst_" + "A" * 43)
attempt("revoked", "XOAUTH2", "emartin", a["revoked"])
print(json.dumps(out))
`;

engineTest('bearer tokens: issued in the account (shown once, stored as a digest, an hour by default), they open SMTP by XOAUTH2 (Python, nodemailer) and OAUTHBEARER; forged, revoked, expired or someone else’s fail with the RFC 7628 error', async (t, rt) => {
  const { app, url } = await serve(rt);
  t.after(() => app.close());
  const emartin = as(url, await logIn(url, 'emartin'));
  const issued = await emartin.post('/api/v1/me/access-tokens', { label: 'Logiciel de cabinet' });
  assert.equal(issued.status, 201);
  assert.equal(issued.headers.get('cache-control'), 'no-store');
  const { token, expiresAt, createdAt, id } = (await issued.json()) as { token: string; expiresAt: number; createdAt: number; id: string };
  assert.match(token, /^mst_[A-Za-z0-9_-]{43}$/);
  assert.equal(expiresAt - createdAt, 3_600_000);
  assert.ok(!JSON.stringify(await rt.ctx.sql.read.selectFrom('access_token').selectAll().execute()).includes(token), 'the token is not in the database');
  const second = (await (await emartin.post('/api/v1/me/access-tokens', { label: 'à révoquer', lifetimeSeconds: 600 })).json()) as { token: string; id: string };
  assert.equal((await emartin.delete(`/api/v1/me/access-tokens/${second.id}`)).status, 204);
  assert.deepEqual(((await (await emartin.get('/api/v1/me/access-tokens')).json()) as { id: string }[]).map((item) => item.id), [id]);
  assert.equal((await emartin.post('/api/v1/me/access-tokens', { label: 'trop long', lifetimeSeconds: 3 * 86_400 })).status, 400);

  const tls = await loadTlsMaterial(rt.config);
  const smtp = await startSubmission(rt.ctx, { host: '127.0.0.1', port: 0, securePort: -1, domain: D, tls, allowTls13: false });
  t.after(() => smtp.close());
  const ca = path.join(rt.config.dataDir, 'tls', 'ca.crt');
  const args = { ca, port: smtp.port, token, revoked: second.token, sender: `emartin@${D}`, rcpt: `sbernard@${D}` };
  const { stdout } = await exec('python3', ['-c', PYTHON_CLIENT, JSON.stringify(args)]);
  const out = JSON.parse(stdout) as Record<string, unknown>;
  assert.equal(out.features, 'PLAIN LOGIN XOAUTH2 OAUTHBEARER');
  assert.deepEqual(out.xoauth2, [235]);
  assert.deepEqual(out.oauthbearer, [235]);
  assert.deepEqual(out.noIdentity, [235], 'OAUTHBEARER may leave the identity to the token');
  for (const refused of ['someoneElse', 'forged', 'revoked']) {
    const [code, answers] = out[refused] as [number, string[]];
    assert.equal(code, 535, refused);
    assert.deepEqual(answers.map((answer) => JSON.parse(answer) as unknown), [{ status: 'invalid_token', schemes: 'bearer' }], refused);
  }

  // nodemailer, as health software written in Node would use it.
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port!, secure: false, requireTLS: true, tls: { ca: tls.anchors }, auth: { type: 'OAuth2', user: 'emartin', accessToken: token } });
  const info = await transport.sendMail({ from: `emartin@${D}`, to: `sbernard@${D}`, subject: 'Par nodemailer', text: 'Jeton OAuth2.' });
  assert.match(info.response, /^250 /);
  transport.close();

  // An hour later the token is dead.
  rt.clock.now = expiresAt;
  const late = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port!, secure: false, requireTLS: true, tls: { ca: tls.anchors }, auth: { type: 'OAuth2', user: 'emartin', accessToken: token } });
  await assert.rejects(late.sendMail({ from: `emartin@${D}`, to: `sbernard@${D}`, subject: 'Trop tard', text: '.' }), /535|Invalid login/);
  late.close();
  const subjects = (await rt.ctx.sql.read.selectFrom('message').select('subject').orderBy('received_at').execute()).map((row) => row.subject);
  assert.deepEqual(subjects.sort(), ['Par nodemailer', 'noIdentity', 'oauthbearer', 'xoauth2']);
});
