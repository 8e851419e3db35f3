import { Icon } from './Icon.tsx';

/**
 * A form's error line: always in the page (an empty live region), so that a screen reader
 * announces the message when it appears.
 */
export function FormError({ error, className }: { error: string; className?: string }) {
  return (
    <div className={className ? `form-error ${className}` : 'form-error'} role="alert">
      {error ? (
        <>
          <Icon name="alert" />
          <span>{error}</span>
        </>
      ) : null}
    </div>
  );
}
