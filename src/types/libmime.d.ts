// The parts of libmime Missive uses (the package ships no types).
declare module 'libmime' {
  const libmime: {
    parseHeaderValue(value: string): { value: string; params: Record<string, string> };
    decodeWords(value: string): string;
    encodeWords(value: string, mimeWordEncoding?: 'Q' | 'B', maxLength?: number): string;
  };
  export default libmime;
}
