import type { ServiceContext } from '../context.ts';

const listeners = new WeakMap<ServiceContext, () => void>();

/** A deposit just queued mail for another operator: the runner of this process tries it now rather than at its next poll. */
export function nudgeOutbound(ctx: ServiceContext): void {
  listeners.get(ctx)?.();
}

export function onOutboundNudge(ctx: ServiceContext, listener: (() => void) | null): void {
  if (listener) listeners.set(ctx, listener);
  else listeners.delete(ctx);
}
