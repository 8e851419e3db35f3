import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MissiveError } from '../../../core/errors.ts';
import type { ServiceContext } from '../../../services/context.ts';
import { signedHead, storedConsistencyProof } from '../../../services/proofs/proof-log.ts';
import { publicKeyPem, receiptFor } from '../../../services/proofs/receipt.ts';
import { receiptPdf } from '../../../services/proofs/receipt-pdf.ts';
import type { TreeHead } from '../../../core/proof/log-entries.ts';
import { ErrorBody, Id } from '../schemas.ts';
import { callerOf, requireSession } from '../session-guard.ts';

const Head = Type.Object({ treeSize: Type.Integer(), rootHash: Type.String(), signedAt: Type.Integer(), keyId: Type.String(), signature: Type.String() });
const headBody = (head: TreeHead) => ({ treeSize: head.treeSize, rootHash: head.rootHash.toString('hex'), signedAt: head.signedAt, keyId: head.keyId, signature: head.signature.toString('base64') });

/** What anyone may check the proof log with: the operator's public key, signed heads, consistency between two heads. */
export function proofPublicRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/.well-known/missive/proof-key.pem', { schema: { summary: "The operator's Ed25519 public key that signs the proof log (PEM)" } }, async (_request, reply) =>
      reply.type('application/x-pem-file').header('cache-control', 'public, max-age=3600').send(publicKeyPem(ctx)),
    );

    // Reads only: anyone may ask, so asking must not make the server write (the sequencer signs a head every second).
    app.get('/api/v1/proof/head', { schema: { summary: 'The latest signed head of the proof log', response: { 200: Head, 404: ErrorBody } } }, async () => {
      const head = await signedHead(ctx.sql.read);
      if (!head) throw new MissiveError('not_found', 'the proof log is still empty');
      return headBody(head);
    });

    app.get(
      '/api/v1/proof/consistency',
      {
        schema: {
          summary: 'A consistency proof (RFC 9162) between two signed heads: the smaller log is a prefix of the larger',
          querystring: Type.Object({ from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
          response: { 200: Type.Object({ from: Head, to: Head, proof: Type.Array(Type.String()) }), 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (request) => {
        const { from, to } = request.query;
        if (from > to) throw new MissiveError('invalid_argument', '"from" must not be larger than "to"');
        const [first, second] = [await signedHead(ctx.sql.read, from), await signedHead(ctx.sql.read, to)];
        if (!first || !second) throw new MissiveError('not_found', `no signed head of size ${!first ? from : to}`);
        const proof = await storedConsistencyProof(ctx.sql.read, from, to);
        return { from: headBody(first), to: headBody(second), proof: proof.map((hash) => hash.toString('hex')) };
      },
    );
  };
}

/** The receipt of a message I sent (its sending side only). */
export function proofRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireSession(ctx));
    app.get(
      '/messages/:messageId/proof',
      {
        schema: {
          summary: 'Receipt of a message I sent: its events (submitted, delivered, opened…) with inclusion proofs in the signed proof log; check it offline with missive proof verify',
          params: Type.Object({ messageId: Id }),
          querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('pdf')], { description: 'json (default): the electronic receipt; pdf: the same facts in French, for people' })) }, { additionalProperties: false }),
          // The receipt's shape is its own format (missive-receipt/1), documented with `missive proof verify`.
          response: { 200: Type.Unknown(), 401: ErrorBody, 404: ErrorBody },
        },
      },
      async (request, reply) => {
        const receipt = await receiptFor(ctx, callerOf(request).principal, request.params.messageId);
        if (request.query.format === 'pdf') {
          return reply.type('application/pdf').header('content-disposition', `attachment; filename="preuve-${receipt.message.id}.pdf"`).send(receiptPdf(receipt, ctx.clock()));
        }
        return reply.header('content-disposition', `attachment; filename="preuve-${receipt.message.id}.json"`).send(receipt);
      },
    );
  };
}
