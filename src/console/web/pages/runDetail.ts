import { api, errorText, type ConsoleConfig, type RunDetail, type RunTimelineEntry } from '../api.js';
import { announce, badge, button, formatDate, h, replace } from '../dom.js';
import type { Page } from '../page.js';
import { duration, STATUS_TONE, temporalLink } from './runs.js';

const REFRESH_MS = 3000;
/** Fields drawn in their own sections; anything else the API adds (attempts, waits…) is shown as it comes. */
const KNOWN = new Set(['runId', 'workflowId', 'kind', 'status', 'connectorId', 'actionId', 'serverId', 'userId', 'startedAt', 'closedAt', 'input', 'steps', 'result', 'error', 'timeline']);

const OUTCOME_TONE = { succeeded: 'success', retry: 'warning', throttled: 'info', failed: 'danger' } as const;

/** Each attempt with its outcome and each durable wait with its reason, in history order. */
function timelineList(entries: RunTimelineEntry[]) {
  return h(
    'ol',
    { class: 'steps timeline' },
    entries.map((entry) =>
      h(
        'li',
        {},
        entry.kind === 'attempt' ? badge(entry.outcome ?? 'attempt', entry.outcome ? OUTCOME_TONE[entry.outcome] : 'neutral') : badge('wait', 'neutral'),
        ' ',
        h('span', { class: 'wrap' }, entry.summary),
        entry.status !== undefined || entry.code ? h('span', { class: 'muted small' }, ` — ${[entry.status, entry.code].filter((part) => part !== undefined).join(' ')}`) : null,
        entry.at ? h('span', { class: 'muted small' }, ` · ${formatDate(entry.at)}`) : null,
      ),
    ),
  );
}

/** The input memo holds the action's parameters too; the console shows the ids only (parameters may carry personal data). */
const idsOf = (input: Record<string, unknown> = {}) => Object.fromEntries(Object.entries(input).filter(([key, value]) => /Id$/.test(key) && typeof value === 'string'));

const json = (value: unknown) => h('pre', { class: 'json' }, JSON.stringify(value, null, 2));

function stepList(steps: unknown[]) {
  return h(
    'ol',
    { class: 'steps' },
    steps.map((step) => {
      const { status, actionId, error, ...rest } = (step ?? {}) as { status?: string; actionId?: string; error?: { code: string; message: string } } & Record<string, unknown>;
      return h(
        'li',
        {},
        status ? badge(status, STATUS_TONE[status] ?? 'neutral') : null,
        ' ',
        actionId ? h('code', {}, actionId) : null,
        error ? h('p', { class: 'error-text' }, `${error.code}: ${error.message}`) : null,
        Object.keys(rest).length ? h('details', {}, h('summary', {}, 'Details'), json(rest)) : null,
      );
    }),
  );
}

/** One run: who and what (ids only), status and timing, each step, the result or the error, and where to read its full history. */
export const renderRunDetail: Page = async (main, config, [runId]) => {
  let timer = 0;
  let left = false;
  // A running run is read again until it closes, so the page shows the outcome without a reload.
  const draw = async () => {
    const run = await api<RunDetail>('GET', `/api/runs/${encodeURIComponent(runId!)}`);
    if (left) return;
    drawRun(main, config, run);
    if (run.status === 'running') timer = window.setTimeout(() => void draw().catch(() => undefined), REFRESH_MS);
  };
  await draw();
  return () => {
    left = true;
    window.clearTimeout(timer);
  };
};

function drawRun(main: HTMLElement, config: ConsoleConfig, run: RunDetail) {
  const extra = Object.entries(run).filter(([key]) => !KNOWN.has(key));
  const cancel = async () => {
    try {
      await api('POST', `/api/runs/${encodeURIComponent(run.runId)}/cancel`);
      announce('Cancellation requested');
    } catch (error) {
      announce(`Could not cancel: ${errorText(error)}`, 'error');
    }
  };
  const row = (label: string, value: Node | string) => [h('dt', {}, label), h('dd', { class: 'break' }, value)];
  replace(
    main,
    h(
      'section',
      { class: 'card' },
      h('p', { class: 'small' }, h('a', { href: '#/runs' }, '← Runs')),
      h(
        'div',
        { class: 'page-header' },
        h(
          'div',
          { class: 'min-0' },
          h('h1', { tabindex: '-1', class: 'break' }, run.kind === 'plan' ? `Plan on ${run.connectorId ?? '?'}` : `${run.connectorId ?? '?'} · ${run.actionId ?? '?'}`),
          h('p', {}, badge(run.status, STATUS_TONE[run.status] ?? 'neutral'), ' ', h('span', { class: 'muted' }, `${duration(run)} · started ${formatDate(run.startedAt)}`)),
        ),
        h(
          'div',
          { class: 'page-actions' },
          h('a', { href: temporalLink(config, run), target: '_blank', rel: 'noopener noreferrer', class: 'button', 'aria-label': `Open run ${run.workflowId} in the Temporal UI` }, 'Temporal UI ↗'),
          run.status === 'running' ? button('Cancel', () => void cancel(), { tone: 'danger', ariaLabel: 'Cancel run' }) : null,
        ),
      ),
      h(
        'dl',
        { class: 'details' },
        row('Run', h('code', {}, run.runId)),
        row('Workflow', h('code', {}, run.workflowId)),
        row('Kind', run.kind),
        row('Connector', run.connectorId ?? '—'),
        row('Action', run.actionId ?? '—'),
        row('Server', run.serverId ?? '—'),
        row('User', run.userId ?? '—'),
        row('Closed', formatDate(run.closedAt)),
      ),
      run.error
        ? h(
            'section',
            { 'aria-labelledby': 'run-error' },
            h('h2', { id: 'run-error' }, 'Error'),
            h('p', { class: 'error-text', role: 'alert' }, h('strong', {}, run.error.code), ': ', run.error.message),
            run.error.details !== undefined ? h('details', { open: true }, h('summary', {}, 'Error details'), json(run.error.details)) : null,
          )
        : null,
      h('h2', {}, 'Input'),
      h('p', { class: 'muted small' }, 'What the run was started with: ids only. Parameters stay in the run history, which the Temporal UI shows.'),
      json(idsOf(run.input)),
      run.timeline?.length ? [h('h2', {}, 'Attempts and waits'), timelineList(run.timeline)] : null,
      run.steps ? [h('h2', {}, `Steps (${run.steps.length})`), stepList(run.steps)] : null,
      run.result !== undefined ? [h('h2', {}, 'Result'), json(run.result)] : null,
      extra.map(([key, value]) => [h('h2', {}, key), json(value)]),
      h(
        'p',
        { class: 'muted small' },
        'The full history, with every event of the run, is in the Temporal UI: ',
        h('a', { href: temporalLink(config, run), target: '_blank', rel: 'noopener noreferrer' }, 'open it in the Temporal UI'),
        '.',
      ),
    ),
  );
}
