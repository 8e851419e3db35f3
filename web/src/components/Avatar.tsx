import { avatarColour, initialsOf } from '../lib/people.ts';

export function Avatar({ name, address, size = 'md' }: { name: string; address: string; size?: 'sm' | 'md' | 'lg' }) {
  return (
    <span className={`avatar avatar-${size}`} style={{ backgroundColor: avatarColour(address || name) }} aria-hidden="true">
      {initialsOf(name || address)}
    </span>
  );
}
