import { api, errorText } from '../api.js';
import { announce, badge, button, field, formatDate, h, pageHeader, replace } from '../dom.js';
import type { Page } from '../page.js';

interface AuditEntry {
  id: string;
  at: string;
  actor: { userId: string; role: string; via: string; keyId?: string };
  action: string;
  target: Record<string, unknown>;
  before: unknown;
  after: unknown;
  clientAddress: string | null;
  status: number;
}

const PAGE_SIZE = 50;

const tone = (status: number) => (status < 300 ? 'success' : status < 500 ? 'warning' : 'danger');
const targetText = (target: Record<string, unknown>) =>
  Object.entries(target)
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join(', ') || '—';

/** GET /api/audit, newest first, filtered by actor, action and target; a user key sees its own entries. */
export const renderAudit: Page = async (main) => {
  const actor = field('User', h('input', { type: 'search', name: 'actor', autocomplete: 'off', spellcheck: false, placeholder: 'user id' }));
  const action = field('Action', h('input', { type: 'search', name: 'action', autocomplete: 'off', spellcheck: false, placeholder: 'e.g. DELETE or credential.' }));
  const target = field('Target', h('input', { type: 'search', name: 'target', autocomplete: 'off', spellcheck: false, placeholder: 'a server, key or credential id' }));
  const tbody = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, 'No entries');
  const more = button('Load more', () => void load(true).catch((error: unknown) => announce(errorText(error), 'error')));
  more.hidden = true;
  let cursor: string | undefined;

  const details = (entry: AuditEntry) =>
    entry.before === null && entry.after === null
      ? '—'
      : h('details', {}, h('summary', {}, 'Before / after'), h('pre', { class: 'small' }, JSON.stringify({ before: entry.before, after: entry.after }, null, 2)));

  const row = (entry: AuditEntry) =>
    h(
      'tr',
      {},
      h('td', {}, formatDate(entry.at)),
      h('td', { class: 'truncate', title: entry.actor.keyId ?? '' }, `${entry.actor.userId} (${entry.actor.role}, ${entry.actor.via})`),
      h('td', { class: 'name-cell' }, entry.action),
      h('td', { class: 'small truncate', title: targetText(entry.target) }, targetText(entry.target)),
      h('td', {}, badge(String(entry.status), tone(entry.status))),
      h('td', { class: 'small' }, entry.clientAddress ?? '—'),
      h('td', {}, details(entry)),
    );

  async function load(append: boolean) {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    for (const filter of [actor, action, target]) if (filter.input.value.trim()) query.set(filter.input.name, filter.input.value.trim());
    if (append && cursor) query.set('cursor', cursor);
    const page = await api<{ entries: AuditEntry[]; nextCursor?: string }>('GET', `/api/audit?${query}`);
    cursor = page.nextCursor;
    if (append) tbody.append(...page.entries.map(row));
    else replace(tbody, page.entries.map(row));
    empty.hidden = tbody.childElementCount > 0;
    more.hidden = !cursor;
  }

  const reload = () =>
    void load(false).then(
      () => [actor, action, target].forEach((filter) => filter.setError(undefined)),
      (error: unknown) => [actor, action, target].find((filter) => filter.input.value.trim())?.setError(errorText(error)) ?? announce(errorText(error), 'error'),
    );
  for (const filter of [actor, action, target]) filter.input.addEventListener('change', reload);
  replace(
    main,
    h(
      'section',
      { class: 'card' },
      pageHeader('Audit log', 'Who changed what, used which credential and signed in, newest first', button('Refresh', reload)),
      h('div', { class: 'filters', role: 'search' }, actor.element, action.element, target.element),
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'table' },
          h('thead', {}, h('tr', {}, ...['Time', 'Actor', 'Action', 'Target', 'Status', 'Address', 'Change'].map((title) => h('th', { scope: 'col' }, title)))),
          tbody,
        ),
      ),
      empty,
      more,
    ),
  );
  await load(false);
};
