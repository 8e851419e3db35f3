import { keepCompiledCode } from '../runtime/compile-cache.ts';

// `npm run missive -- <command>`: its modules are compiled through the compile cache (see src/main.ts).
keepCompiledCode();
await import('./cli.ts');
