/**
 * The `|`-separated extractions of the national directory, read by header name: columns were
 * added over the years and their order is not a contract. A trailing `|` (one empty field more
 * than the header) is tolerated; any other difference in width is a bad line.
 */
export type Header = { names: string[]; positions: Map<string, number> };

export function parseHeader(line: string): Header {
  const names = stripBom(line).split('|').map((name) => name.trim());
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  const positions = new Map<string, number>();
  names.forEach((name, index) => {
    if (name !== '' && !positions.has(name)) positions.set(name, index);
  });
  return { names, positions };
}

export type SplitLine = { ok: true; fields: string[] } | { ok: false; reason: string };

/** A line's number of fields once the tolerated trailing `|` (one empty field more than the header) is set aside. */
export function fieldCount(header: Header, fields: number, lastIsEmpty: boolean): number {
  return fields === header.names.length + 1 && lastIsEmpty ? fields - 1 : fields;
}

export function splitLine(header: Header, line: string): SplitLine {
  const fields = line.split('|');
  const width = header.names.length;
  if (fieldCount(header, fields.length, fields[fields.length - 1] === '') < fields.length) fields.pop();
  if (fields.length < width) return { ok: false, reason: `short line: ${fields.length} fields, the header has ${width}` };
  if (fields.length > width) return { ok: false, reason: `extra column: ${fields.length} fields, the header has ${width}` };
  return { ok: true, fields };
}

/** A reader of one named column: the trimmed value, or '' when the header lacks the column. */
export function column(header: Header, name: string): (fields: string[]) => string {
  const index = header.positions.get(name);
  if (index === undefined) return () => '';
  return (fields) => fields[index]!.trim();
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
