/** Text clean-up, identifiers and resource grouping for converted OpenAPI operations. */

type Json = any;

/** Strip markup and keep the first sentence (or at most `max` chars). */
export function trimText(input: unknown, max = 300): string {
  if (typeof input !== 'string') return '';
  let s = input
    .replace(/<[^>]{0,200}>/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/[`*_#>]{1,3}/g, (m) => (m.includes('_') ? m : ''))
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
  const m = /^(.{20,}?[.!?])(\s|$)/.exec(s);
  if (m?.[1] && m[1].length <= max) s = m[1];
  if (s.length > max) s = `${s.slice(0, max - 1).trimEnd()}…`;
  return s;
}

export function slugify(s: string, max = 63): string {
  const out = s
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, max)
    .replace(/[-_]+$/g, '');
  return out || 'general';
}

export function sanitizeActionId(s: string): string {
  const out = s
    .replace(/[^A-Za-z0-9_.]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[_.]+|[_.]+$/g, '')
    .slice(0, 120);
  return out || 'action';
}

export function humanize(s: string): string {
  const t = s
    .replace(/[_./-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export function resourceFor(op: Json, path: string): { id: string; name: string } {
  const tag = Array.isArray(op.tags) && typeof op.tags[0] === 'string' ? (op.tags[0] as string) : undefined;
  if (tag) return { id: slugify(tag), name: tag.slice(0, 200) };
  const opId: string | undefined = op.operationId;
  if (opId && opId.split('.').length >= 3) {
    const parts = opId.split('.').slice(1, -1);
    return { id: slugify(parts.join('-')), name: humanize(parts.join(' ')) };
  }
  const statics = path
    .split('/')
    .filter((seg) => seg && !seg.startsWith('{') && !/^v\d+(\.\d+)?$|^api$|^\d+(\.\d+)*$/i.test(seg))
    .map((seg) => seg.split(':')[0] ?? seg)
    .filter(Boolean);
  const last = statics[statics.length - 1];
  if (!last) return { id: 'general', name: 'General' };
  return { id: slugify(last), name: humanize(last) };
}
