import type { CommandHandler } from '../session.ts';
import { APPEND } from './append.ts';
import { CLOSE, COPY, EXPUNGE } from './expunge.ts';
import { FETCH } from './fetch.ts';
import { CREATE, DELETE, RENAME } from './folders.ts';
import { IDLE } from './idle.ts';
import { LIST } from './list.ts';
import { AUTHENTICATE, LOGIN } from './login.ts';
import { SELECT } from './select.ts';
import { CAPABILITY, ENABLE, ID, LOGOUT, NAMESPACE, NOOP, NOOP_SUBSCRIPTION, STARTTLS, UNSELECT } from './simple.ts';
import { SEARCH } from './search.ts';
import { STATUS } from './status.ts';
import { STORE } from './store.ts';

/** Every command the server knows, by name (UID forms included): one handler each. */
export const COMMANDS: Record<string, CommandHandler> = {
  CAPABILITY,
  NOOP,
  CHECK: NOOP,
  IDLE,
  STATUS,
  LOGOUT,
  ID,
  STARTTLS,
  LOGIN,
  AUTHENTICATE,
  NAMESPACE,
  ENABLE,
  LIST,
  CREATE,
  DELETE,
  RENAME,
  SUBSCRIBE: NOOP_SUBSCRIPTION,
  UNSUBSCRIBE: NOOP_SUBSCRIPTION,
  LSUB: LIST,
  SELECT,
  EXAMINE: SELECT,
  FETCH,
  'UID FETCH': FETCH,
  SEARCH,
  'UID SEARCH': SEARCH,
  STORE,
  'UID STORE': STORE,
  APPEND,
  CLOSE,
  EXPUNGE,
  'UID EXPUNGE': EXPUNGE,
  COPY,
  'UID COPY': COPY,
  MOVE: COPY,
  'UID MOVE': COPY,
  UNSELECT,
};
