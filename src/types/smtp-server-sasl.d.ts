// smtp-server's SASL mechanism table (no published types): an entry per `SASL_<NAME>`.
declare module 'smtp-server/lib/sasl.js' {
  const SASL: Record<string, ((this: never, args: string[], callback: () => void) => void) | undefined>;
  export default SASL;
}
