import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One operator domain of the national whitelist (liste blanche), as the file gives it. */
export type WhitelistDomain = {
  domain: string;
  description: string | null;
  /** Subject of the operator's server certificate (CN, OU, O, ST, C), as written. */
  certificateSubject: string | null;
  responsibleContact: string | null;
  supportContact: string | null;
  updatedOn: string | null;
};

export type Whitelist = { generatedAt: string | null; domains: WhitelistDomain[]; problems: string[] };

export class WhitelistError extends Error {}

// No real whitelist comes near this (8,600 domains are a few megabytes).
export const MAX_WHITELIST_BYTES = 64 * 1024 * 1024;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Reads the national whitelist (XML, namespace https://listeblanche.mssante.fr/schema, with or
 * without a prefix): `DateDeGeneration` on the root, one `Domaine` per operator domain. A file
 * that is not such XML is refused whole; a domain entry that cannot be used is left out and
 * reported, never guessed. Document types are refused: no entity of any kind is expanded.
 */
export function parseWhitelist(xml: string): Whitelist {
  if (Buffer.byteLength(xml) > MAX_WHITELIST_BYTES) throw new WhitelistError(`larger than ${MAX_WHITELIST_BYTES} bytes: not a whitelist`);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new WhitelistError('a document type or entity declaration: refused (a whitelist has none)');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new WhitelistError(`not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  const parser = new XMLParser({
    removeNSPrefix: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    processEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => name === 'Domaine',
  });
  const document = parser.parse(xml) as Record<string, unknown>;
  const rootName = Object.keys(document).find((name) => !name.startsWith('?'));
  const root = rootName ? (document[rootName] as Record<string, unknown> | string) : undefined;
  if (!root || typeof root !== 'object') throw new WhitelistError('no root element');
  const generatedAt = text(root['@DateDeGeneration']) ?? text(root.DateDeGeneration);
  const entries = findDomains(root);
  if (entries === null) throw new WhitelistError('no Domaine element: not a national whitelist');
  const problems: string[] = [];
  const domains: WhitelistDomain[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const name = text(entry.Nom)?.toLowerCase().replace(/\.$/, '') ?? null;
    if (name === null || !DOMAIN.test(name)) {
      problems.push(`Domaine ${index + 1}: ${name === null ? 'no Nom' : `"${name.slice(0, 80)}" is not a domain name`}; left out`);
      return;
    }
    if (seen.has(name)) {
      problems.push(`Domaine ${index + 1}: ${name} is listed twice; the first entry is kept`);
      return;
    }
    seen.add(name);
    domains.push({
      domain: name,
      description: text(entry.Description),
      certificateSubject: text(entry.DNCertificatOperateur),
      responsibleContact: text(entry.ResponsableContact),
      supportContact: text(entry.SupportContact),
      updatedOn: text(entry.DateMAJ),
    });
  });
  return { generatedAt, domains, problems };
}

/** The Domaine elements, directly under the root or in one wrapping element. */
function findDomains(root: Record<string, unknown>): Record<string, unknown>[] | null {
  if (Array.isArray(root.Domaine)) return root.Domaine.map(asObject);
  for (const value of Object.values(root)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as Record<string, unknown>).Domaine)) {
      return ((value as Record<string, unknown>).Domaine as unknown[]).map(asObject);
    }
  }
  return null;
}

const asObject = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

/** An element's text: a plain value, or `#text` when it has attributes; empty is none. */
function text(value: unknown): string | null {
  const raw = value && typeof value === 'object' ? (value as Record<string, unknown>)['#text'] : value;
  if (raw === undefined || raw === null) return null;
  const trimmed = String(raw).trim();
  return trimmed === '' ? null : trimmed.slice(0, 1000);
}
