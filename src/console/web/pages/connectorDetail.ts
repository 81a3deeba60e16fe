import { api, errorText, type ConnectorAction, type ConnectorDetail } from '../api.js';
import { announce, badge, button, confirmDialog, field, h, replace } from '../dom.js';
import type { Page } from '../page.js';
import { connectorTabs } from './connectorTabs.js';
import { settingsForm } from './connectorSettings.js';
import { openCustomConnectorEditor } from './customConnectorDialogs.js';

function parameterTable(action: ConnectorAction) {
  if (action.parameters.length === 0) return h('p', { class: 'muted' }, 'No parameters');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'table' },
      h('caption', { class: 'visually-hidden' }, `Parameters of ${action.id}`),
      h('thead', {}, h('tr', {}, ['Parameter', 'In', 'Type', 'Required', 'Description'].map((title) => h('th', { scope: 'col' }, title)))),
      h(
        'tbody',
        {},
        action.parameters.map((parameter) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row', class: 'break' }, h('code', {}, parameter.name)),
            h('td', {}, parameter.in),
            h('td', {}, parameter.enum ? `${parameter.type} (${parameter.enum.map(String).join(' | ')})` : parameter.type),
            h('td', {}, parameter.required ? 'yes' : 'no'),
            h('td', { class: 'break' }, parameter.description ?? ''),
          ),
        ),
      ),
    ),
  );
}

/** Each action as a disclosure; its parameter table is built when first opened (some connectors have hundreds). */
function actionItem(action: ConnectorAction) {
  const details = h(
    'details',
    { class: 'action' },
    h(
      'summary',
      {},
      h('span', { class: 'method' }, action.method),
      h('code', { class: 'break' }, action.path),
      h('strong', {}, action.title),
      h('span', { class: 'muted small' }, action.id),
      action.destructive ? badge('destructive', 'danger') : null,
    ),
  );
  details.addEventListener('toggle', () => {
    if (details.open && details.childElementCount === 1) details.append(h('p', { class: 'break' }, action.description), parameterTable(action));
  });
  return details;
}

/** One connector: description, the account's settings, its actions with their parameters; edit and delete for custom ones. */
export const renderConnectorDetail: Page = async (main, config, params) => {
  const id = params[1]!;
  const connector = await api<ConnectorDetail>('GET', `/api/connectors/${encodeURIComponent(id)}`);
  const reload = () => void renderConnectorDetail(main, config, params).catch((error: unknown) => announce(errorText(error), 'error'));
  const custom = connector.origin === 'custom';
  const remove = async () => {
    if (!(await confirmDialog('Delete connector', `Delete the custom connector "${connector.name}"? Agents lose its actions at once.`, 'Delete'))) return;
    try {
      await api('DELETE', `/api/connectors/${encodeURIComponent(connector.id)}`);
      announce('Connector deleted');
      location.hash = '#/connectors/catalogue';
    } catch (error) {
      announce(errorText(error), 'error');
    }
  };
  const search = field('Find an action', h('input', { type: 'search', name: 'actionSearch', autocomplete: 'off' }));
  const list = h('div');
  const draw = () => {
    const words = search.input.value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = connector.actions.filter((action) => words.every((word) => `${action.id} ${action.title} ${action.path}`.toLowerCase().includes(word)));
    replace(list, shown.slice(0, 200).map(actionItem), shown.length > 200 ? h('p', { class: 'muted' }, `${shown.length - 200} more: refine the search`) : null);
  };
  search.input.addEventListener('input', draw);
  draw();
  const oauth = connector.authMethods.some((method) => method.type === 'oauth2');

  replace(
    main,
    h(
      'section',
      { class: 'card' },
      h(
        'div',
        { class: 'page-header' },
        h(
          'div',
          { class: 'min-0' },
          h('p', { class: 'small' }, h('a', { href: '#/connectors/catalogue' }, '← Catalogue')),
          h('h1', { tabindex: '-1', class: 'break' }, connector.name),
          h('p', { class: 'muted' }, h('code', {}, connector.id), ' · ', connector.category, ' · ', custom ? badge('Custom', 'info') : badge('Catalogue'), ' ', connector.settings.enabled ? badge('enabled', 'success') : badge('disabled', 'danger')),
        ),
        h(
          'div',
          { class: 'page-actions' },
          h('a', { class: 'button', href: `#/credentials/connect/${encodeURIComponent(connector.id)}` }, 'Connect credential'),
          oauth ? h('a', { class: 'button', href: `#/connectors/oauth-apps/${encodeURIComponent(connector.id)}` }, 'OAuth app') : null,
          custom ? button('Edit', () => openCustomConnectorEditor({ existing: connector, onSaved: reload }), { ariaLabel: `Edit ${connector.name}` }) : null,
          custom ? button('Delete', () => void remove(), { tone: 'danger', ariaLabel: `Delete ${connector.name}` }) : null,
        ),
      ),
      connectorTabs('catalogue'),
      connector.description ? h('p', { class: 'break' }, connector.description) : null,
      h('p', { class: 'break' }, 'Base URL: ', h('code', {}, connector.settings.baseUrl ?? connector.baseUrl), ' · Auth: ', connector.authMethods.map((method) => method.type).join(', ')),
    ),
    h('section', { class: 'card' }, h('h2', {}, 'Settings for this account'), settingsForm(connector, reload)),
    h('section', { class: 'card' }, h('h2', {}, `Actions (${connector.actions.length})`), search.element, list),
  );
};
