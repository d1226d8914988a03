/** The rows of every Markdown table in `text`, as cells; the header row first in each table. */
export function markdownTables(text: string): string[][][] {
  const found: string[][][] = [];
  let current: string[][] | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      current = null;
      continue;
    }
    if (/^\|[\s:|-]+\|$/.test(line)) continue;
    if (current === null) found.push((current = []));
    current.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  }
  return found;
}
