import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../../services/context.ts';
import { directoryVocabulary, MAX_PAGE_SIZE, searchDirectory } from '../../../services/directory/search.ts';
import { ErrorBody } from '../schemas.ts';
import { callerOf, requireSession } from '../session-guard.ts';

const CodeLabel = Type.Object({ code: Type.String(), label: Type.Union([Type.String(), Type.Null()]) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const Card = Type.Object({
  address: Type.String(),
  kind: Type.String(),
  source: Type.Union([Type.Literal('regional'), Type.Literal('national')]),
  name: Type.String(),
  civility: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  firstName: Nullable(Type.String()),
  nationalId: Nullable(Type.String()),
  profession: Nullable(CodeLabel),
  speciality: Nullable(CodeLabel),
  structure: Nullable(Type.Object({ id: Nullable(Type.String()), name: Nullable(Type.String()), service: Nullable(Type.String()) })),
  place: Nullable(
    Type.Object({ street: Nullable(Type.String()), postcode: Nullable(Type.String()), city: Nullable(Type.String()), department: Nullable(Type.String()) }),
  ),
});

const Query = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    profession: Type.Optional(Type.String({ maxLength: 10, pattern: '^[0-9A-Za-z]+$' })),
    speciality: Type.Optional(Type.String({ maxLength: 10, pattern: '^[0-9A-Za-z_]+$' })),
    department: Type.Optional(Type.String({ pattern: '^([0-9]{2,3}|2[ABab])$' })),
    postcode: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
    kind: Type.Optional(Type.Union([Type.Literal('PER'), Type.Literal('ORG'), Type.Literal('APP'), Type.Literal('CAB')])),
    structure: Type.Optional(Type.String({ maxLength: 20, pattern: '^[0-9A-Za-z]+$' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
  },
  { additionalProperties: false },
);

/** The directory of correspondents: the operator's own mailboxes and the national directory, searched together. */
export function directoryRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireSession(ctx));

    app.get(
      '/directory',
      {
        schema: {
          summary: 'Search correspondents: words in any order, prefixes, accents ignored; by name, RPPS, address, structure, place; filters; ranked',
          querystring: Query,
          response: { 200: Type.Object({ total: Type.Integer(), page: Type.Integer(), limit: Type.Integer(), entries: Type.Array(Card) }), 400: ErrorBody, 401: ErrorBody },
        },
      },
      async (request) => {
        const { q, page, limit, ...filters } = request.query;
        return searchDirectory(ctx, callerOf(request).userId, { q: q ?? '', filters, page: page ?? 1, limit: limit ?? 20 });
      },
    );

    app.get(
      '/directory/vocabulary',
      {
        schema: {
          summary: "The values the directory's filters take: professions, specialities (savoir-faire), departments, mailbox kinds",
          response: {
            200: Type.Object({ professions: Type.Array(CodeLabel), specialities: Type.Array(CodeLabel), departments: Type.Array(Type.String()), kinds: Type.Array(Type.String()) }),
            401: ErrorBody,
          },
        },
      },
      async () => directoryVocabulary(ctx),
    );
  };
}
