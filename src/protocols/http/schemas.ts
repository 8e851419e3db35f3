import { Type } from '@fastify/type-provider-typebox';

/** The body of every refusal (see errors.ts and the error handler in app.ts). */
export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() });
