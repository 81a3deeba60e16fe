import { api, errorText, type ConsoleConfig, type Run, type Server } from '../api.js';
import { announce, badge, button, field, formatDate, h, pageHeader, replace } from '../dom.js';
import type { Page } from '../page.js';

export const STATUS_TONE: Record<string, 'success' | 'warning' | 'danger' | 'info' | 'neutral'> = {
  running: 'info',
  succeeded: 'success',
  failed: 'danger',
  timed_out: 'danger',
  cancelled: 'warning',
  terminated: 'warning',
};
const STATUSES = ['running', 'succeeded', 'failed', 'cancelled', 'terminated', 'timed_out'];
const REFRESH_MS = 5000;
const PAGE_SIZE = 25;

export function duration(run: Run): string {
  const ms = (run.closedAt ? Date.parse(run.closedAt) : Date.now()) - Date.parse(run.startedAt);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const temporalLink = (config: ConsoleConfig, run: Run) =>
  `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(run.workflowId)}`;

/** Recent runs from Temporal visibility, filtered by connector, action, server, user, kind and status, refreshed while the page is open. */
export const renderRuns: Page = async (main, config) => {
  const status = field('Status', h('select', { name: 'status' }, h('option', { value: '' }, 'All'), STATUSES.map((value) => h('option', { value }, value))));
  const kind = field('Kind', h('select', { name: 'kind' }, h('option', { value: '' }, 'Actions and plans'), h('option', { value: 'action' }, 'Actions'), h('option', { value: 'plan' }, 'Plans')));
  const connector = field('Connector', h('input', { type: 'search', name: 'connectorId', autocomplete: 'off', spellcheck: false, placeholder: 'e.g. slack' }));
  const user = field('User', h('input', { type: 'search', name: 'userId', autocomplete: 'off', spellcheck: false, placeholder: 'user id' }));
  const action = field('Action', h('input', { type: 'search', name: 'actionId', autocomplete: 'off', spellcheck: false, placeholder: 'e.g. chat_postMessage' }));
  // Servers are listed for operators and admins; a user key filters without the list.
  const { servers } = await api<{ servers: Server[] }>('GET', '/api/servers').catch(() => ({ servers: [] as Server[] }));
  const server = field(
    'Server',
    h('select', { name: 'serverId' }, h('option', { value: '' }, 'All servers'), h('option', { value: 'api' }, 'REST API (no server)'), servers.map((row) => h('option', { value: row.serverId }, row.name))),
  );
  const tbody = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, 'No runs');
  const more = button('Load more', () => void load(true));
  more.hidden = true;
  let nextPageToken: string | undefined;
  let appended = false;

  const row = (run: Run) =>
    h(
      'tr',
      {},
      h('td', {}, badge(run.status, STATUS_TONE[run.status] ?? 'neutral')),
      h('td', {}, run.connectorId ?? '—'),
      h(
        'td',
        { class: 'name-cell' },
        h('a', { href: `#/runs/${encodeURIComponent(run.runId)}`, class: 'truncate-line', title: `Details of ${run.workflowId}` }, run.kind === 'plan' ? `plan ${run.actionId ?? ''}` : (run.actionId ?? run.runId)),
      ),
      h('td', { class: 'truncate', title: run.userId ?? '' }, run.userId ?? '—'),
      h('td', { class: 'small truncate', title: run.serverId ?? '' }, run.serverId ?? '—'),
      h('td', {}, formatDate(run.startedAt)),
      h('td', {}, duration(run)),
      h(
        'td',
        { class: 'row-actions' },
        h('a', { href: temporalLink(config, run), target: '_blank', rel: 'noopener noreferrer', class: 'button subtle', 'aria-label': `Open run ${run.workflowId} in the Temporal UI` }, 'Temporal UI ↗'),
        run.status === 'running' ? button('Cancel', () => void cancel(run), { tone: 'danger', ariaLabel: `Cancel run ${run.workflowId}` }) : null,
      ),
    );

  async function cancel(run: Run) {
    try {
      await api('POST', `/api/runs/${encodeURIComponent(run.runId)}/cancel`);
      announce('Cancellation requested');
      await load(false);
    } catch (error) {
      announce(`Could not cancel: ${errorText(error)}`, 'error');
    }
  }

  async function load(append: boolean) {
    const query = new URLSearchParams({ pageSize: String(PAGE_SIZE) });
    for (const filter of [status, kind, connector, action, server, user]) if (filter.input.value.trim()) query.set(filter.input.name, filter.input.value.trim());
    if (append && nextPageToken) query.set('pageToken', nextPageToken);
    const page = await api<{ runs: Run[]; nextPageToken?: string }>('GET', `/api/runs?${query}`);
    nextPageToken = page.nextPageToken;
    if (append) {
      appended = true;
      tbody.append(...page.runs.map(row));
    }
    else {
      appended = false;
      replace(tbody, page.runs.map(row));
    }
    empty.hidden = tbody.childElementCount > 0;
    // Visibility may hand out a token even when nothing follows; a short page means the end.
    more.hidden = !nextPageToken || page.runs.length < PAGE_SIZE;
  }

  const reload = () =>
    void load(false).then(
      () => [connector, action, user].forEach((filter) => filter.setError(undefined)),
      (error: unknown) => [connector, action, user].find((filter) => filter.input.value.trim())?.setError(errorText(error)) ?? announce(errorText(error), 'error'),
    );
  for (const filter of [status, kind, server]) filter.input.addEventListener('change', reload);
  for (const filter of [connector, action, user]) filter.input.addEventListener('change', reload);
  replace(
    main,
    h(
      'section',
      { class: 'card' },
      pageHeader(
        'Runs',
        'Recent actions and plans run by this account, newest first',
        button('Refresh', reload),
      ),
      h('div', { class: 'filters', role: 'search' }, connector.element, action.element, server.element, user.element, kind.element, status.element),
      h('div', { class: 'table-scroll' }, h(
        'table',
        { class: 'table' },
        h('thead', {}, h('tr', {}, ...['Status', 'Connector', 'Action', 'User', 'Server', 'Started', 'Duration'].map((title) => h('th', { scope: 'col' }, title)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        tbody,
      )),
      empty,
      more,
    ),
  );
  await load(false);
  // Only the first page refreshes itself, so "Load more" results are not thrown away under the reader.
  const timer = window.setInterval(() => {
    if (!document.hidden && !appended) void load(false).catch(() => undefined);
  }, REFRESH_MS);
  return () => window.clearInterval(timer);
};
