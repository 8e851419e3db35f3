import { Type } from '@fastify/type-provider-typebox';
import { ID_PATTERN } from '../../store/ids.ts';

/** The body of every refusal (see errors.ts and the error handler in app.ts). */
export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() });

/** An identifier in a path or a body (see store/ids.ts): anything else is refused before a handler runs. */
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN });
