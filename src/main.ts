import { keepCompiledCode } from './runtime/compile-cache.ts';

// `npm start`. The server's modules are imported once the compile cache is on, so that they are
// compiled through it (static imports would all be compiled before this line runs).
keepCompiledCode();
await import('./serve.ts');
