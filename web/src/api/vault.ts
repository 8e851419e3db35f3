import { get, post, seg } from './client.ts';
import type { VaultCopy } from './types.ts';

/** Where mail to each address goes: `vault` means outside the trust space. */
export const routesOf = (addresses: string[]) => post<{ routes: { address: string; route: 'local' | 'operator' | 'vault' }[] }>('/recipients/routes', { addresses });
export const vaultCopies = (messageId: string) => get<{ copies: VaultCopy[] }>(`/messages/${seg(messageId)}/vault`);
export const revokeVaultCopy = (messageId: string, itemId: string) => post<VaultCopy>(`/messages/${seg(messageId)}/vault/${seg(itemId)}/revoke`, {});
export const renewVaultCopy = (messageId: string, itemId: string) => post<{ copy: VaultCopy; code: string | null }>(`/messages/${seg(messageId)}/vault/${seg(itemId)}/renew`, {});
