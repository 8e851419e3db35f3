import type { MimePart } from './mime-part.ts';

/** What the choice needs of a part: its type, whether it is a file, and its children. */
export type PartNode = Pick<MimePart, 'contentType' | 'params' | 'attachment' | 'contentId'> & { children: PartNode[] };

/** A leaf to show, and what it is written in. */
export type BodySegment<P extends PartNode = PartNode> = { part: P; kind: 'plain' | 'html' };

/** The parts that make the text a person reads, in message order, for each way of showing it. */
export type BodyChoice<P extends PartNode = PartNode> = {
  /** For a plain-text view: text/plain preferred, HTML only where nothing else says it. */
  text: BodySegment<P>[];
  /** For an HTML view: text/html preferred, plain text where it is all there is. */
  html: BodySegment<P>[];
};

// Deeper than any real message; the indexer already refuses nesting beyond 32.
const MAX_DEPTH = 40;

/**
 * Which parts to show (RFC 2046): in multipart/alternative the text/plain alternative for text
 * and the text/html one for HTML (the last suitable one, the richest by the RFC's order); in
 * multipart/related its root; in multipart/mixed and the rest every part that is not a file, in
 * order. Attached messages are files.
 */
export function chooseBodyParts<P extends PartNode>(root: P): BodyChoice<P> {
  return choose(root, 0);
}

function choose<P extends PartNode>(part: P, depth: number): BodyChoice<P> {
  const none: BodyChoice<P> = { text: [], html: [] };
  if (depth > MAX_DEPTH || part.attachment) return none;
  const children = part.children as P[];
  if (part.contentType.startsWith('multipart/') && children.length > 0) {
    if (part.contentType === 'multipart/alternative') return alternative(children.map((child) => choose(child, depth + 1)));
    if (part.contentType === 'multipart/related') return choose(relatedRoot(part, children), depth + 1);
    const choices = children.map((child) => choose(child, depth + 1));
    return { text: choices.flatMap((choice) => choice.text), html: choices.flatMap((choice) => choice.html) };
  }
  if (part.children.length > 0) return none; // an attached message that is not marked as a file
  if (part.contentType === 'text/html') return { text: [{ part, kind: 'html' }], html: [{ part, kind: 'html' }] };
  if (part.contentType === 'text/plain') return { text: [{ part, kind: 'plain' }], html: [{ part, kind: 'plain' }] };
  return none;
}

function alternative<P extends PartNode>(choices: BodyChoice<P>[]): BodyChoice<P> {
  const last = (pick: (choice: BodyChoice<P>) => boolean) => choices.findLast(pick);
  const text = last((choice) => choice.text.some((segment) => segment.kind === 'plain')) ?? last((choice) => choice.text.length > 0);
  const html = last((choice) => choice.html.some((segment) => segment.kind === 'html')) ?? last((choice) => choice.html.length > 0);
  return { text: text?.text ?? [], html: html?.html ?? [] };
}

/** The part the `start` parameter names, else the first (RFC 2387 §3.2). */
function relatedRoot<P extends PartNode>(part: P, children: P[]): P {
  const start = part.params.start?.trim();
  const named = start ? children.find((child) => child.contentId !== null && child.contentId.trim() === start) : undefined;
  return named ?? children[0]!;
}
