import { JSDOM, VirtualConsole } from 'jsdom';

let shared: JSDOM['window'] | null = null;

/**
 * One DOM for reading message HTML, made once: no scripts run in it and it loads nothing (no
 * `resources` option). Its console is silent, because jsdom reports unparsable CSS with the CSS
 * itself, which is message content and must not reach the logs.
 */
export function htmlWindow(): JSDOM['window'] {
  shared ??= new JSDOM('<!doctype html><html><body></body></html>', { virtualConsole: new VirtualConsole() }).window;
  return shared;
}

/** A detached document for the HTML (parsed as a browser would, entities decoded), inert. */
export function parseHtml(html: string): Document {
  return new (htmlWindow().DOMParser)().parseFromString(html, 'text/html');
}
