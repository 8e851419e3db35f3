import type { CommandHandler } from '../session.ts';
import { FETCH } from './fetch.ts';
import { LIST } from './list.ts';
import { AUTHENTICATE, LOGIN } from './login.ts';
import { CLOSE, SELECT } from './select.ts';
import { CAPABILITY, ENABLE, ID, LOGOUT, NAMESPACE, NOOP, STARTTLS, UNSELECT } from './simple.ts';
import { STORE } from './store.ts';

/** Every command the server knows, by name (UID forms included): one handler each. */
export const COMMANDS: Record<string, CommandHandler> = {
  CAPABILITY,
  NOOP,
  LOGOUT,
  ID,
  STARTTLS,
  LOGIN,
  AUTHENTICATE,
  NAMESPACE,
  ENABLE,
  LIST,
  LSUB: LIST,
  SELECT,
  EXAMINE: SELECT,
  FETCH,
  'UID FETCH': FETCH,
  STORE,
  'UID STORE': STORE,
  CLOSE,
  UNSELECT,
};
