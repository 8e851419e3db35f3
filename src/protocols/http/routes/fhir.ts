import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CapabilityStatement, CapabilityStatementRestResource, Resource } from '@medplum/fhirtypes';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isMissiveError, MissiveError, type MissiveErrorCode } from '../../../core/errors.ts';
import type { ServiceContext } from '../../../services/context.ts';
import {
  readOrganization,
  readPractitioner,
  readPractitionerRole,
  searchOrganizations,
  searchPractitionerRoles,
  searchPractitioners,
  type FhirPage,
  type FhirSearch,
  type Paging,
} from '../../../services/directory/fhir-directory.ts';
import { operationOutcome, searchBundle, type IssueCode, type ResourceType } from '../../../services/directory/fhir.ts';
import { STATUS_OF } from '../errors.ts';
import { callerOf, requireSession } from '../session-guard.ts';

/**
 * The directory as a FHIR R4 read API (`/fhir`): Practitioner, PractitionerRole and
 * Organization, read by id and searched, in the shapes of the Annuaire Santé guide. Same session
 * as the JSON API. Every answer is `application/fhir+json`; refusals are OperationOutcomes.
 */

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const FHIR_CORE = 'http://hl7.org/fhir/SearchParameter';
// The Annuaire Santé's own parameter for a mailbox address (AsMailboxMssSearchParameter).
const AS_MAILBOX_MSS = 'https://interop.esante.gouv.fr/ig/fhir/annuaire/SearchParameter/as-sp-mailbox-mss';
// When this statement last changed (CapabilityStatement.date is required).
const CAPABILITY_DATE = '2026-12-04';
const DEFAULT_COUNT = 20;
const MAX_COUNT = 50;

type ParamType = 'string' | 'token' | 'reference' | 'number';
type Param = { name: string; type: ParamType; field: keyof FhirSearch | '_count' | '_page'; schema: ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>; definition?: string; documentation: string };

// No comma (FHIR's "or") and no bar outside tokens: those forms are not supported and say so.
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[^,|]+$' });
const TokenSchema = Type.String({ minLength: 1, maxLength: 220, pattern: '^(([^|,\\s]{1,200})?\\|)?[0-9A-Za-z]{1,20}$' });
const Reference = (type: string, prefix: string) => Type.String({ maxLength: 90, pattern: `^(${type}/)?${prefix}-[A-Za-z0-9.-]{1,60}$` });

const MAILBOX_DOC = 'an MSSanté address or its beginning, case-insensitive';
const common = (type: ResourceType): Param[] => [
  {
    name: 'name',
    type: 'string',
    field: 'name',
    schema: Text(100),
    definition: type === 'PractitionerRole' ? undefined : `${FHIR_CORE}/${type}-name`,
    documentation:
      type === 'Organization'
        ? "words beginning the structure's name, in any order, accents and case ignored"
        : type === 'Practitioner'
          ? 'words beginning the surname or first names, in any order, accents, case, hyphens and apostrophes ignored'
          : "words beginning the practitioner's surname or first names (as for Practitioner)",
  },
  {
    name: 'identifier',
    type: 'token',
    field: 'identifier',
    schema: TokenSchema,
    definition: type === 'PractitionerRole' ? undefined : `${FHIR_CORE}/${type}-identifier`,
    documentation:
      type === 'Organization'
        ? 'https://finess.esante.gouv.fr|<FINESS>, https://sirene.fr|<SIRET>, urn:oid:1.2.250.1.71.4.2.2|<idNat_Struct>, or the bare number'
        : `${type === 'PractitionerRole' ? "the practitioner's identifier: " : ''}urn:oid:1.2.250.1.71.4.2.1|<idNat_PS>, https://rpps.esante.gouv.fr|<RPPS>, or the bare number`,
  },
  {
    name: 'address-postalcode',
    type: 'string',
    field: 'postcode',
    schema: Type.String({ pattern: '^[0-9]{1,5}$' }),
    definition: type === 'Organization' ? `${FHIR_CORE}/Organization-address-postalcode` : type === 'Practitioner' ? `${FHIR_CORE}/individual-address-postalcode` : undefined,
    documentation: "a postcode or its first digits, of the structure a mailbox belongs to",
  },
  { name: 'mailbox-mss', type: 'string', field: 'mailbox', schema: Text(254), definition: AS_MAILBOX_MSS, documentation: MAILBOX_DOC },
  { name: 'mailbox', type: 'string', field: 'mailbox', schema: Text(254), documentation: `the same as mailbox-mss: ${MAILBOX_DOC}` },
];

const paging: Param[] = [
  { name: '_count', type: 'number', field: '_count', schema: Type.Integer({ minimum: 0, maximum: MAX_COUNT }), documentation: `entries per page, ${DEFAULT_COUNT} by default, at most ${MAX_COUNT}; 0 gives the total alone` },
  { name: '_page', type: 'number', field: '_page', schema: Type.Integer({ minimum: 1, maximum: 1000 }), documentation: 'the page, from 1 (the links self, previous and next carry it)' },
];

const PARAMS: Record<ResourceType, Param[]> = {
  Practitioner: [...common('Practitioner'), ...paging],
  PractitionerRole: [
    ...common('PractitionerRole'),
    { name: 'practitioner', type: 'reference', field: 'practitioner', schema: Reference('Practitioner', 'pr'), definition: `${FHIR_CORE}/PractitionerRole-practitioner`, documentation: 'Practitioner/<id>' },
    { name: 'organization', type: 'reference', field: 'organization', schema: Reference('Organization', 'org'), definition: `${FHIR_CORE}/PractitionerRole-organization`, documentation: 'Organization/<id>' },
    { name: 'role', type: 'token', field: 'role', schema: Type.String({ pattern: '^([^|,\\s]{1,200}\\|)?[0-9A-Za-z]{1,10}$' }), definition: `${FHIR_CORE}/PractitionerRole-role`, documentation: 'a profession code of TRE_G15 (10: médecin, 60: infirmier…)' },
    { name: 'specialty', type: 'token', field: 'specialty', schema: Type.String({ pattern: '^([^|,\\s]{1,200}\\|)?[0-9A-Za-z_]{1,10}$' }), definition: `${FHIR_CORE}/PractitionerRole-specialty`, documentation: 'a savoir-faire code (TRE_R38 SM04: cardiologie…)' },
    ...paging,
  ],
  Organization: [...common('Organization'), ...paging],
};

const SEARCH: Record<ResourceType, (ctx: ServiceContext, userId: string, search: FhirSearch, paging: Paging) => Promise<FhirPage<Resource>>> = {
  Practitioner: searchPractitioners,
  PractitionerRole: searchPractitionerRoles,
  Organization: searchOrganizations,
};

const READ: Record<ResourceType, (ctx: ServiceContext, userId: string, id: string) => Promise<Resource>> = {
  Practitioner: readPractitioner,
  PractitionerRole: readPractitionerRole,
  Organization: readOrganization,
};

const querySchema = (params: Param[]) => Type.Object(Object.fromEntries(params.map((param) => [param.name, Type.Optional(param.schema)])), { additionalProperties: false });

const ISSUE_OF: Partial<Record<MissiveErrorCode, IssueCode>> = {
  unauthorized: 'login',
  forbidden: 'forbidden',
  not_found: 'not-found',
  rate_limited: 'throttled',
  invalid_argument: 'invalid',
  invalid_address: 'invalid',
};

function sendOutcome(reply: FastifyReply, status: number, code: IssueCode, diagnostics: string) {
  return reply.status(status).type(FHIR_JSON).send(operationOutcome(code, diagnostics));
}

/** The search parameters as the services take them; mailbox and mailbox-mss are one. */
function searchOf(type: ResourceType, query: Record<string, unknown>): FhirSearch {
  const search: FhirSearch = {};
  for (const param of PARAMS[type]) {
    const value = query[param.name];
    if (typeof value !== 'string' || param.field === '_count' || param.field === '_page') continue;
    if (search[param.field] !== undefined && search[param.field] !== value) {
      throw new MissiveError('invalid_argument', 'give mailbox or mailbox-mss, not both');
    }
    search[param.field] = value;
  }
  return search;
}

function linksOf(base: string, type: ResourceType, query: Record<string, unknown>, page: number, count: number, total: number) {
  const url = (to: number) => {
    const params = new URLSearchParams();
    for (const param of PARAMS[type]) {
      const value = query[param.name];
      if (typeof value === 'string') params.set(param.name, value);
    }
    params.set('_count', String(count));
    params.set('_page', String(to));
    return `${base}/${type}?${params}`;
  };
  return {
    self: url(page),
    ...(page > 1 ? { previous: url(page - 1) } : {}),
    ...(count > 0 && page * count < total ? { next: url(page + 1) } : {}),
  };
}

/** What `/fhir/metadata` says: exactly the interactions and parameters above. */
function capabilityStatement(base: string, version: string): CapabilityStatement {
  const resource: CapabilityStatementRestResource[] = (Object.keys(PARAMS) as ResourceType[]).map((type) => ({
    type,
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    searchParam: PARAMS[type].map((param) => ({ name: param.name, type: param.type, ...(param.definition ? { definition: param.definition } : {}), documentation: param.documentation })),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: CAPABILITY_DATE,
    publisher: 'Missive',
    kind: 'instance',
    software: { name: 'Missive', version },
    implementation: { description: "Missive's directory: the national MSSanté directory and the operator's own mailboxes (liste rouge never shown)", url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Read-only. Searches combine their parameters with AND; a parameter given twice, modifiers (:exact…) and comma-separated values are refused. Resources follow the Annuaire Santé guide: mailboxes are telecom of system email with the extensions fr-core-contact-point-email-type (MSSANTE) and as-ext-mailbox-mss-metadata (kind PER, ORG, APP, CAB).',
        security: { description: 'The session cookie of the Missive web client (log in through /api/v1/auth); without it every read or search is 401.' },
        resource,
      },
    ],
  };
}

function validationMessage(type: ResourceType | null, error: { validation?: { keyword: string; instancePath: string; params: Record<string, unknown>; message?: string }[]; validationContext?: string }): { code: IssueCode; message: string } {
  const issue = error.validation?.[0];
  if (issue?.keyword === 'additionalProperties') {
    const name = String(issue.params.additionalProperty);
    const supported = type ? PARAMS[type].map((param) => param.name).join(', ') : 'none';
    return { code: 'not-supported', message: `unknown parameter "${name}" (supported: ${supported})` };
  }
  const field = issue?.instancePath.replace(/^\//, '') || error.validationContext || 'request';
  return { code: 'invalid', message: `invalid ${field}: ${issue?.message ?? 'bad value'}` };
}

export function fhirRoutes(ctx: ServiceContext, version: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    const guard = requireSession(ctx);
    const base = (request: FastifyRequest) => `${request.protocol}://${request.host}${app.prefix}`;
    const typeOf = (request: FastifyRequest): ResourceType | null => {
      const match = /\/(Practitioner|PractitionerRole|Organization)(\/|$)/.exec(request.routeOptions.url ?? '');
      return match ? (match[1] as ResourceType) : null;
    };

    app.setErrorHandler((error, request, reply) => {
      if (isMissiveError(error)) {
        if (error.code === 'rate_limited' && typeof error.details?.retryAfterMs === 'number') reply.header('retry-after', Math.ceil(error.details.retryAfterMs / 1000));
        const code = (error.details?.fhirIssue as IssueCode | undefined) ?? ISSUE_OF[error.code] ?? 'exception';
        return sendOutcome(reply, STATUS_OF[error.code], code, error.message);
      }
      const failure = error as Error & { validation?: never; validationContext?: string; statusCode?: number };
      if (failure.validation) {
        const { code, message } = validationMessage(typeOf(request), failure);
        return sendOutcome(reply, 400, code, message);
      }
      if (failure.statusCode && failure.statusCode >= 400 && failure.statusCode < 500) return sendOutcome(reply, failure.statusCode, 'invalid', failure.message);
      ctx.log.error('fhir request failed', { error, path: request.routeOptions.url ?? 'unknown' });
      return sendOutcome(reply, 500, 'exception', 'internal error');
    });
    app.setNotFoundHandler((_request, reply) => sendOutcome(reply, 404, 'not-supported', 'no such FHIR interaction here: see /fhir/metadata'));

    app.get(
      '/metadata',
      { schema: { summary: 'FHIR CapabilityStatement: what this read API supports', querystring: Type.Object({}, { additionalProperties: false }) } },
      async (request, reply) => reply.type(FHIR_JSON).send(capabilityStatement(base(request), version)),
    );

    for (const type of Object.keys(PARAMS) as ResourceType[]) {
      app.get(
        `/${type}`,
        { onRequest: guard, schema: { summary: `FHIR search of ${type} (Bundle searchset)`, querystring: querySchema(PARAMS[type]) } },
        async (request, reply) => {
          const query = request.query as Record<string, unknown>;
          const count = typeof query._count === 'number' ? query._count : DEFAULT_COUNT;
          const page = typeof query._page === 'number' ? query._page : 1;
          const found = await SEARCH[type](ctx, callerOf(request).userId, searchOf(type, query), { page, count });
          const root = base(request);
          return reply.type(FHIR_JSON).send(searchBundle(root, found.total, linksOf(root, type, query, page, count, found.total), found.resources));
        },
      );
      app.get(
        `/${type}/:id`,
        {
          onRequest: guard,
          schema: {
            summary: `FHIR read of a ${type}`,
            params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9\\-\\.]{1,64}$' }) }),
            querystring: Type.Object({}, { additionalProperties: false }),
          },
        },
        async (request, reply) => reply.type(FHIR_JSON).send(await READ[type](ctx, callerOf(request).userId, (request.params as { id: string }).id)),
      );
    }
  };
}
