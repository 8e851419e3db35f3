// libqp ships no types; Missive uses its decoder only.
declare module 'libqp' {
  export function decode(text: string | Buffer): Buffer;
}
