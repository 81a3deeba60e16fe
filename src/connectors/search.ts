/** Finding connectors by words, and paging through long lists (MCP list_connectors and GET /api/connectors). */

const STOP_WORDS = new Set(['a', 'an', 'and', 'at', 'by', 'for', 'from', 'i', 'in', 'into', 'is', 'it', 'me', 'my', 'of', 'on', 'or', 'the', 'to', 'via', 'with']);

/** Words of a query, each cut to a stem so "message" finds "messages" and "messaging". */
export function searchStems(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const stems = words
    .filter((word) => !STOP_WORDS.has(word))
    .map((word) => (word.length > 5 ? word.replace(/(ing|es|s|e)$/, '') : word));
  return [...new Set(stems)];
}

interface Searchable {
  id: string;
  name: string;
  description: string;
  actionCount: number;
}

/**
 * Connectors whose id, name or description contain any of the query's words, best first: a word in
 * the id or name counts three times one in the description, more matching words rank higher, and
 * among equals the broader API (more actions) comes first.
 */
export function searchConnectors<T extends Searchable>(rows: readonly T[], query: string): T[] {
  const stems = searchStems(query);
  if (stems.length === 0) return [...rows];
  const scored = rows.map((row) => {
    const title = `${row.id} ${row.name}`.toLowerCase();
    const description = row.description.toLowerCase();
    let score = 0;
    for (const stem of stems) score += title.includes(stem) ? 3 : description.includes(stem) ? 1 : 0;
    return { row, score };
  });
  return scored
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || b.row.actionCount - a.row.actionCount || a.row.id.localeCompare(b.row.id))
    .map((entry) => entry.row);
}

/** One page of a list, and where the next starts (absent on the last page). */
export function pageOf<T>(rows: readonly T[], offset: number, limit: number): { items: T[]; nextOffset?: number } {
  const items = rows.slice(offset, offset + limit);
  return offset + limit < rows.length ? { items, nextOffset: offset + limit } : { items };
}
