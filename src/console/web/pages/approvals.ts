import { api, errorText } from '../api.js';
import { announce, badge, button, field, formatDate, h, pageHeader, replace } from '../dom.js';
import type { Page } from '../page.js';

interface Approval {
  id: string;
  status: 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';
  workflowId: string;
  userId: string;
  serverId: string;
  connectorId: string;
  actionId: string;
  parameters: Record<string, unknown>;
  argumentsDigest: string;
  policy: { id: string; version: number; name: string };
  createdAt: string;
  expiresAt: string;
  decidedBy?: string;
  decidedRole?: string;
  decisionReason?: string;
  decidedAt?: string;
}

const tone = (status: Approval['status']) => (status === 'approved' ? 'success' : status === 'pending' ? 'warning' : status === 'denied' ? 'danger' : 'neutral');

/**
 * One request: the exact call, its digest and policy, and, while pending, Approve and Deny with a
 * reason. The decision names the digest shown here, so it never covers other arguments.
 */
async function renderRequest(main: HTMLElement, approvalId: string) {
  const approval = await api<Approval>('GET', `/api/approvals/${encodeURIComponent(approvalId)}`);
  const reason = field('Reason', h('input', { type: 'text', name: 'reason', maxlength: 1000, autocomplete: 'off' }), 'Recorded with your decision in the run and the audit log');
  const decide = (decision: 'approve' | 'deny') => async () => {
    try {
      const body = { digest: approval.argumentsDigest, ...(reason.input.value.trim() ? { reason: reason.input.value.trim() } : {}) };
      await api('POST', `/api/approvals/${encodeURIComponent(approval.id)}/${decision}`, body);
      announce(decision === 'approve' ? 'Approved: the call runs now' : 'Denied: the caller is told why');
      await renderRequest(main, approvalId);
    } catch (error) {
      reason.setError(errorText(error));
    }
  };
  const facts: Array<[string, string | HTMLElement]> = [
    ['Status', badge(approval.status, tone(approval.status))],
    ['Call', `${approval.connectorId} ${approval.actionId}`],
    ['Asked by', `${approval.userId} (server ${approval.serverId})`],
    ['Policy', `${approval.policy.name} (v${approval.policy.version})`],
    ['Requested', formatDate(approval.createdAt)],
    ['Expires', formatDate(approval.expiresAt)],
    ['Digest', h('code', { class: 'small' }, approval.argumentsDigest)],
    ...(approval.decidedBy ? ([['Decided by', `${approval.decidedBy} (${approval.decidedRole ?? ''}) ${formatDate(approval.decidedAt)}`]] as Array<[string, string]>) : []),
    ...(approval.decisionReason ? ([['Reason', approval.decisionReason]] as Array<[string, string]>) : []),
  ];
  replace(
    main,
    h(
      'section',
      { class: 'card' },
      pageHeader('Approval request', 'A call a policy holds until an operator or admin decides', h('a', { href: '#/approvals', class: 'button' }, 'All requests')),
      h('dl', { class: 'facts' }, ...facts.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
      h('h2', {}, 'Arguments'),
      h('pre', { class: 'small', 'aria-label': 'Arguments' }, JSON.stringify(approval.parameters, null, 2)),
      approval.status === 'pending'
        ? h(
            'div',
            {},
            reason.element,
            h('div', { class: 'page-actions' }, button('Approve', () => void decide('approve')(), { tone: 'primary' }), button('Deny', () => void decide('deny')(), { tone: 'danger' })),
          )
        : null,
    ),
  );
}

/** GET /api/approvals: pending requests, or those decided; each opens its request. */
export const renderApprovals: Page = async (main, _config, params) => {
  if (params[0]) return renderRequest(main, params[0]);
  const show = field(
    'Show',
    h('select', { name: 'status' }, h('option', { value: 'pending' }, 'Pending'), h('option', { value: 'decided' }, 'Decided')),
  );
  const tbody = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, 'No requests');
  const row = (approval: Approval) =>
    h(
      'tr',
      {},
      h('td', {}, formatDate(approval.createdAt)),
      h('td', { class: 'name-cell' }, h('a', { href: `#/approvals/${encodeURIComponent(approval.id)}` }, `${approval.connectorId} ${approval.actionId}`)),
      h('td', {}, approval.userId),
      h('td', { class: 'small truncate', title: JSON.stringify(approval.parameters) }, JSON.stringify(approval.parameters)),
      h('td', {}, approval.policy.name),
      h('td', {}, badge(approval.status, tone(approval.status))),
      h('td', {}, approval.status === 'pending' ? formatDate(approval.expiresAt) : `${approval.decidedBy ?? '—'} ${approval.decisionReason ? `: ${approval.decisionReason}` : ''}`),
    );
  async function load() {
    const { approvals } = await api<{ approvals: Approval[] }>('GET', `/api/approvals?limit=200${show.input.value === 'pending' ? '&status=pending' : ''}`);
    const shown = show.input.value === 'pending' ? approvals : approvals.filter((approval) => approval.status !== 'pending');
    replace(tbody, shown.map(row));
    empty.hidden = shown.length > 0;
  }
  const reload = () => void load().catch((error: unknown) => announce(errorText(error), 'error'));
  show.input.addEventListener('change', reload);
  replace(
    main,
    h(
      'section',
      { class: 'card' },
      pageHeader('Approvals', 'Calls held by a require_approval policy: approve or deny the exact arguments', button('Refresh', reload)),
      h('div', { class: 'filters' }, show.element),
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'table' },
          h('thead', {}, h('tr', {}, ...['Requested', 'Call', 'User', 'Arguments', 'Policy', 'Status', 'Expires / decided'].map((title) => h('th', { scope: 'col' }, title)))),
          tbody,
        ),
      ),
      empty,
    ),
  );
  await load();
};
