import createDOMPurify, { type Config, type DOMPurify } from 'dompurify';
import { htmlWindow } from './html-window.ts';

/**
 * A message's HTML made safe to show: nothing runs, nothing is submitted, and nothing loads from
 * the network (a remote image is a read receipt nobody agreed to). What stays is formatting,
 * links that open outside the frame, and images carried in the HTML itself (data:image). The
 * route's Content-Security-Policy and the frame's sandbox say the same again.
 */
const CONFIG: Config = {
  USE_PROFILES: { html: true }, // no SVG, no MathML
  FORCE_BODY: true, // a <style> before any text stays where it is instead of going to a dropped <head>
  FORBID_TAGS: [
    'script', 'noscript', 'template', 'form', 'input', 'button', 'select', 'option', 'optgroup', 'textarea', 'datalist',
    'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'param', 'portal', 'meta', 'base', 'link', 'title',
    'audio', 'video', 'source', 'track', 'picture', 'canvas', 'dialog',
  ],
  FORBID_ATTR: [
    'srcset', 'sizes', 'background', 'poster', 'action', 'formaction', 'ping', 'lowsrc', 'dynsrc', 'longdesc', 'usemap',
    'manifest', 'codebase', 'data', 'srcdoc', 'integrity', 'xlink:href', 'autofocus', 'tabindex',
  ],
};

// What could fetch, or hide something that fetches, in CSS: url(), image-set("…") with a bare
// string, @import, old IE scripting, and escapes (which can spell any of these).
const UNSAFE_CSS = /url\s*\(|image-set|image\s*\(|src\s*\(|@import|@font-face|@namespace|@document|expression\s*\(|behaviou?r\s*:|binding|javascript:|\\|&#/i;
const EMBEDDED_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp|bmp);/i;
const LINK = /^(?:https?:\/\/|mailto:)/i;

let purifier: DOMPurify | null = null;

function instance(): DOMPurify {
  if (purifier) return purifier;
  const window = htmlWindow();
  const purify = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]);
  purify.addHook('afterSanitizeElements', (node) => {
    // A style sheet that would load something goes whole: half a style sheet is no better.
    if (node.nodeName === 'STYLE' && UNSAFE_CSS.test(node.textContent ?? '')) node.parentNode?.removeChild(node);
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeType !== 1) return;
    const element = node as Element;
    const style = element.getAttribute('style');
    if (style !== null) {
      const kept = safeDeclarations(style);
      if (kept) element.setAttribute('style', kept);
      else element.removeAttribute('style');
    }
    const tag = element.nodeName;
    if (tag === 'IMG') {
      // cid: images (parts of the message) and remote ones are shown as what they say they are.
      if (!EMBEDDED_IMAGE.test((element.getAttribute('src') ?? '').trim())) {
        element.replaceWith(element.ownerDocument.createTextNode(element.getAttribute('alt') ?? ''));
      }
      return;
    }
    element.removeAttribute('src');
    if (tag === 'A' || tag === 'AREA') {
      const href = (element.getAttribute('href') ?? '').trim();
      if (LINK.test(href)) {
        element.setAttribute('target', '_blank');
        element.setAttribute('rel', 'noopener noreferrer');
        return;
      }
      element.removeAttribute('rel');
    }
    element.removeAttribute('href');
    element.removeAttribute('target');
  });
  purifier = purify;
  return purify;
}

/** The declarations of a style attribute that load nothing, or '' if none is left. */
function safeDeclarations(style: string): string {
  return style
    .split(';')
    .map((declaration) => declaration.trim())
    .filter((declaration) => declaration !== '' && !UNSAFE_CSS.test(declaration))
    .join('; ');
}

/** The sanitized content of one HTML part, for a document's body. */
export function sanitizeHtml(html: string): string {
  return instance().sanitize(html, CONFIG) as string;
}

/** Plain text for an HTML view: escaped, its line breaks kept. */
export function plainTextAsHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
  return `<div style="white-space: pre-wrap">${escaped}</div>`;
}

const DEFAULT_STYLE = [
  'body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #1f2328; background: #fff; margin: 12px; overflow-wrap: anywhere; word-wrap: break-word; }',
  'img { max-width: 100%; height: auto; }',
  'table { max-width: 100%; }',
  'pre { white-space: pre-wrap; }',
  'blockquote { margin: 0 0 0 .5em; padding-left: .75em; border-left: 3px solid #d0d7de; }',
].join('\n');

/** A whole document around sanitized body content: UTF-8, links open outside, readable defaults. */
export function messageHtmlDocument(sanitizedBody: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>\n${DEFAULT_STYLE}\n</style></head><body>${sanitizedBody}</body></html>`;
}
