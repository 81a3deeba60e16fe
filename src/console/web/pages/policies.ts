import { api, errorText } from '../api.js';
import { announce, badge, button, confirmDialog, field, fillDialog, h, openDialog, pageHeader, replace } from '../dom.js';
import type { Page } from '../page.js';

interface Policy {
  id: string;
  version: number;
  name: string;
  enabled: boolean;
  effect: 'allow' | 'deny' | 'require_approval';
  scope: { serverId?: string; connectorId?: string; actionId?: string };
  updatedAt: string;
  [field: string]: unknown;
}

const EXAMPLE = {
  name: 'destructive calls need a person',
  scope: { connectorId: 'github' },
  effect: 'require_approval',
  when: { annotations: { destructive: true } },
  approval: { timeoutSeconds: 86400 },
};

/** The definition as the API takes it: what the response adds (id, version, times) left out. */
function definitionOf(policy: Policy): Record<string, unknown> {
  const { id: _id, version: _version, createdAt: _created, updatedAt: _updated, ...definition } = policy;
  return definition;
}

/**
 * The editor: a policy's definition as JSON, checked by the same schema as the API (its errors
 * name each bad field). Saving an existing policy makes a new version.
 */
function editPolicy(existing: Policy | undefined, saved: () => void) {
  const handle = openDialog({ title: existing ? `Edit ${existing.name}` : 'New policy', description: 'The definition as JSON (docs/approvals.md)', wide: true });
  const text = field(
    'Definition',
    h('textarea', { name: 'definition', rows: 18, spellcheck: false }, JSON.stringify(existing ? definitionOf(existing) : EXAMPLE, null, 2)),
    'scope, effect (allow, deny, require_approval), when (users, roles, servers, annotations, arguments), approval, results',
  );
  const save = async () => {
    let definition: unknown;
    try {
      definition = JSON.parse(text.input.value);
    } catch {
      return text.setError('Not valid JSON');
    }
    try {
      await api(existing ? 'PUT' : 'POST', existing ? `/api/policies/${encodeURIComponent(existing.id)}` : '/api/policies', definition);
      handle.close();
      announce(existing ? 'Policy saved as a new version' : 'Policy created');
      saved();
    } catch (error) {
      text.setError(errorText(error));
    }
  };
  fillDialog(
    handle,
    text.element,
    h('div', { class: 'dialog-actions' }, button('Cancel', () => handle.close()), button('Save', () => void save(), { tone: 'primary' })),
  );
}

/** GET /api/policies with the editor: the account's call policies. */
export const renderPolicies: Page = async (main) => {
  const tbody = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, 'No policies: every call is allowed');
  const scopeText = (scope: Policy['scope']) => [scope.serverId, scope.connectorId, scope.actionId].filter(Boolean).join(' / ') || 'everything';
  const remove = async (policy: Policy) => {
    if (!(await confirmDialog('Delete policy', `Delete "${policy.name}"? Calls it covered are decided without it.`, 'Delete'))) return;
    await api('DELETE', `/api/policies/${encodeURIComponent(policy.id)}`).then(() => reload(), (error: unknown) => announce(errorText(error), 'error'));
  };
  const row = (policy: Policy) =>
    h(
      'tr',
      {},
      h('td', { class: 'name-cell' }, policy.name),
      h('td', {}, badge(policy.effect, policy.effect === 'deny' ? 'danger' : policy.effect === 'allow' ? 'success' : 'warning')),
      h('td', {}, scopeText(policy.scope)),
      h('td', {}, `v${policy.version}`),
      h('td', {}, policy.enabled ? 'yes' : 'no'),
      h('td', {}, button('Edit', () => editPolicy(policy, reload), { ariaLabel: `Edit ${policy.name}` }), button('Delete', () => void remove(policy), { tone: 'danger', ariaLabel: `Delete ${policy.name}` })),
    );
  async function load() {
    const { policies } = await api<{ policies: Policy[] }>('GET', '/api/policies');
    replace(tbody, policies.map(row));
    empty.hidden = policies.length > 0;
  }
  function reload() {
    void load().catch((error: unknown) => announce(errorText(error), 'error'));
  }
  replace(
    main,
    h(
      'section',
      { class: 'card' },
      pageHeader('Policies', 'Allow, deny or hold calls for approval, by server, connector, action, caller and arguments', button('New policy', () => editPolicy(undefined, reload), { tone: 'primary' })),
      h(
        'div',
        { class: 'table-scroll' },
        h('table', { class: 'table' }, h('thead', {}, h('tr', {}, ...['Name', 'Effect', 'Scope', 'Version', 'Enabled', ''].map((title) => h('th', { scope: 'col' }, title)))), tbody),
      ),
      empty,
    ),
  );
  await load();
};
