import { linkify } from '../lib/linkify.tsx';

/** Plain text as written (pre-wrap), links made clickable, quoted lines (">") set apart. */
export function MessageText({ text }: { text: string }) {
  const blocks: { quoted: boolean; lines: string[] }[] = [];
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const quoted = /^\s*>/.test(line);
    const last = blocks[blocks.length - 1];
    if (last && last.quoted === quoted) last.lines.push(quoted ? line.replace(/^\s*> ?/, '') : line);
    else blocks.push({ quoted, lines: [quoted ? line.replace(/^\s*> ?/, '') : line] });
  }
  return (
    <div className="message-text">
      {blocks.map((block, index) =>
        block.quoted ? (
          <blockquote key={index}>
            <MessageText text={block.lines.join('\n')} />
          </blockquote>
        ) : (
          <div key={index}>{linkify(block.lines.join('\n'))}</div>
        ),
      )}
    </div>
  );
}
