import type { StoredPart } from '../../services/deposit/message-index.ts';
import { encode, type ResponseValue } from './codec/response-writer.ts';

const EMPTY_ENVELOPE: ResponseValue = [null, null, null, null, null, null, null, null, null, null];

/**
 * BODYSTRUCTURE (RFC 9051 §7.5.2) from the MIME tree deposit stored: for each leaf its type,
 * parameters, id, description, encoding, size, lines (text), disposition; for a multipart its
 * children then subtype, parameters and disposition. An attached message's own envelope is not
 * indexed: it is given as NILs.
 */
export function bodyStructure(part: StoredPart, extensible = true): ResponseValue {
  const [type = 'text', subtype = 'plain'] = part.contentType.split('/');
  const disposition: ResponseValue = part.disposition ? [part.disposition.toUpperCase(), parameters(part.dispositionParams)] : null;
  if (type === 'multipart') {
    // `1*body SP media-subtype`: the children follow each other with no space between them.
    const children = part.children.map((child) => encode(bodyStructure(child, extensible)).toString('utf8')).join('');
    return [{ raw: children }, subtype.toUpperCase(), ...(extensible ? [parameters(part.params), disposition, null, null] : [])];
  }
  const basic: ResponseValue[] = [type.toUpperCase(), subtype.toUpperCase(), parameters(part.params), part.contentId, part.description, part.encoding.toUpperCase(), part.bodyEnd - part.bodyStart];
  if (type === 'message' && subtype === 'rfc822') {
    const inner = part.children[0];
    basic.push(EMPTY_ENVELOPE, inner ? bodyStructure(inner, extensible) : ['TEXT', 'PLAIN', null, null, null, '7BIT', 0, 0], part.lines);
  } else if (type === 'text') {
    basic.push(part.lines);
  }
  if (extensible) basic.push(null, disposition, null, null);
  return basic;
}

function parameters(params: Record<string, string>): ResponseValue {
  const entries = Object.entries(params);
  if (entries.length === 0) return null;
  return entries.flatMap(([name, value]) => [name.toUpperCase(), value]);
}
