/** Stroke icons drawn on a 24-unit grid; decorative (aria-hidden) — the control around them carries the name. */
const PATHS = {
  inbox: 'M3 13h5l2 3h4l2-3h5M5.5 5h13L21 13v6H3v-6z',
  send: 'M21 3 10 14M21 3l-7 18-4-7-7-4z',
  draft: 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4',
  archive: 'M3 4h18v4H3zM5 8v12h14V8M10 12h4',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6',
  folder: 'M3 6h6l2 2h10v11H3z',
  paperclip: 'M20 11.5 12 19.5a5 5 0 0 1-7-7l8.5-8.5a3.4 3.4 0 0 1 4.8 4.8l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4L15 7.3',
  reply: 'M9 15 4 10l5-5M4 10h10a6 6 0 0 1 6 6v3',
  replyAll: 'M8 15l-5-5 5-5M13 15 8 10l5-5M8 10h6a6 6 0 0 1 6 6v3',
  forward: 'M15 15l5-5-5-5M20 10H10a6 6 0 0 0-6 6v3',
  move: 'M3 6h6l2 2h10v11H3zM10 13.5h6M13.5 11l2.5 2.5-2.5 2.5',
  unread: 'M3 6h18v13H3zM3 6l9 7 9-7',
  download: 'M12 4v11M7 10l5 5 5-5M5 20h14',
  search: 'M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13zM15.5 15.5 20 20',
  menu: 'M4 7h16M4 12h16M4 17h16',
  back: 'M15 5l-7 7 7 7',
  close: 'M6 6l12 12M18 6 6 18',
  pen: 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4',
  plus: 'M12 5v14M5 12h14',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  checks: 'M2 12.5 6.5 17 16 7.5M12 16l1 1 9.5-9.5',
  clock: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 2',
  eye: 'M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  alert: 'M12 3 2 20h20zM12 10v4M12 17v.5',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0',
  users: 'M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2.5 20a6.5 6.5 0 0 1 13 0M16 4.5a3.5 3.5 0 0 1 0 6.5M18.5 14a6 6 0 0 1 3 6',
  lock: 'M5 11h14v10H5zM8 11V7a4 4 0 0 1 8 0v4',
  shield: 'M12 3l8 3v6c0 4.5-3.4 8-8 9-4.6-1-8-4.5-8-9V6zM8.5 12l2.5 2.5 4.5-4.5',
  settings: 'M4 7h10M18 7h2M4 17h4M12 17h8M14 5v4M8 15v4',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  chevronDown: 'M6 9l6 6 6-6',
  chevronRight: 'M9 6l6 6-6 6',
  file: 'M6 3h8l5 5v13H6zM14 3v5h5',
  fileMedical: 'M6 3h8l5 5v13H6zM14 3v5h5M12.5 11v6M9.5 14h6',
  flag: 'M5 21V4M5 4h12l-2 4 2 4H5',
  activity: 'M3 12h4l3-7 4 14 3-7h4',
  more: 'M5 12h.01M12 12h.01M19 12h.01',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 5v6h-6',
  globe: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM3 12h18M12 3c2.5 2.7 3.5 5.7 3.5 9s-1 6.3-3.5 9c-2.5-2.7-3.5-5.7-3.5-9s1-6.3 3.5-9z',
  bell: 'M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4',
  monitor: 'M3 4h18v12H3zM8 20h8M12 16v4',
  key: 'M8 15a4 4 0 1 1 3.5-6h9.5v3h-2v3h-3v-3h-4.5A4 4 0 0 1 8 15z',
  copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
  mail: 'M3 6h18v13H3zM3 6l9 7 9-7',
  info: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 11v6M12 7.5v.5',
  contacts: 'M6 3h13v18H6zM12.5 11a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM8.5 17a4 4 0 0 1 8 0M4 7h2M4 12h2M4 17h2',
  building: 'M4 21V5l8-2v18M12 8h8v13M3 21h18M7 8h2M7 12h2M7 16h2M15 12h2M15 16h2',
  mapPin: 'M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21zM12 12a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z',
  filter: 'M4 5h16l-6 8v6l-4-2v-4z',
  chevronLeft: 'M15 6l-6 6 6 6',
  stethoscope: 'M6 3v6a4 4 0 0 0 8 0V3M10 13v2a5 5 0 0 0 10 0v-2M20 13a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 18, className }: { name: IconName; size?: number; className?: string }) {
  const filled = name === 'more';
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={filled ? 3.2 : 1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}

/** The Missive mark: an envelope with a proof tick. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false" className="brand-mark">
      <rect width="32" height="32" rx="7" fill="#0b4f6c" />
      <path d="M7 10h18v12H7z" fill="none" stroke="#fff" strokeWidth="2" />
      <path d="M7 10l9 7 9-7" fill="none" stroke="#fff" strokeWidth="2" />
      <circle cx="24" cy="22" r="5" fill="#1f8a57" stroke="#0b4f6c" strokeWidth="1" />
      <path d="M21.7 22l1.6 1.6 3-3" fill="none" stroke="#fff" strokeWidth="1.6" />
    </svg>
  );
}
