import { api, errorText, type McpConnector, type OAuthEntry } from '../api.js';
import { announce, badge, button, confirmDialog, formatDate, h, pageHeader, replace } from '../dom.js';
import type { Page } from '../page.js';
import { openConnectorForm, openTestDialog } from './connectorDialogs.js';
import { connectorTabs } from './connectorTabs.js';
import { openStdioConnectorForm } from './stdioConnectorForm.js';

const typeLabels: Record<McpConnector['type'], string> = { simple: 'Simple', oauth: 'OAuth', stdio: 'Hosted (stdio)' };

/** A remote connector's masked URL; a hosted one's command line, as the worker runs it in its sandbox. */
const addressOf = (row: McpConnector) => (row.stdio ? [row.stdio.command, ...row.stdio.args].join(' ') : (row.url ?? ''));

/** Connectors: predefined OAuth entries pinned on top, then the account's own remote MCP servers. */
export const renderConnectors: Page = async (main, config) => {
  const [{ connectors }, { entries }] = await Promise.all([
    api<{ connectors: McpConnector[] }>('GET', '/api/mcp-connectors'),
    api<{ entries: OAuthEntry[] }>('GET', '/api/mcp-connectors/oauth'),
  ]);
  const reload = () => void renderConnectors(main, config, []).catch((error: unknown) => announce(errorText(error), 'error'));
  const selected = new Set<string>();

  const bulkDelete = button('Delete', () => void deleteConnectors(connectors.filter((row) => selected.has(row.id)), reload), {
    tone: 'danger',
    ariaLabel: 'Delete selected connectors',
    disabled: true,
  });
  const selectAll = h('input', { type: 'checkbox', 'aria-label': 'Select all connectors', disabled: connectors.length === 0 });
  const rowBoxes: HTMLInputElement[] = [];
  const syncSelection = () => {
    bulkDelete.disabled = selected.size === 0;
    bulkDelete.textContent = selected.size ? `Delete (${selected.size})` : 'Delete';
    selectAll.checked = selected.size > 0 && selected.size === connectors.length;
    selectAll.indeterminate = selected.size > 0 && selected.size < connectors.length;
  };
  selectAll.addEventListener('change', () => {
    for (const box of rowBoxes) {
      box.checked = selectAll.checked;
      if (box.checked) selected.add(box.value);
      else selected.delete(box.value);
    }
    syncSelection();
  });

  const pinnedRows = entries.map((entry) =>
    h(
      'tr',
      { class: 'pinned' },
      h('td', {}, h('input', { type: 'checkbox', disabled: true, 'aria-label': `${entry.name} is predefined and cannot be deleted` })),
      h('th', { scope: 'row' }, entry.name),
      h('td', {}, badge('OAuth', 'info')),
      h(
        'td',
        {},
        h('code', {}, entry.connectorId),
        entry.needsConnection
          ? h(
              'a',
              { href: `#/credentials/connect/${encodeURIComponent(entry.connectorId)}`, class: 'warning-link', title: entry.hint ?? 'OAuth connection missing' },
              h('span', { 'aria-hidden': 'true' }, '⚠'),
              h('span', { class: 'visually-hidden' }, `${entry.name} needs an OAuth connection: go to credentials`),
            )
          : null,
      ),
      h('td', { class: 'muted' }, '—'),
      h('td', { class: 'muted' }, 'Predefined'),
      h('td', { class: 'muted' }, '—'),
      h('td', { class: 'row-actions' }, button('Test', () => openTestDialog({ name: entry.name, body: { oauthMcp: entry.id } }), { ariaLabel: `Test ${entry.name}` })),
    ),
  );

  const takenNames = connectors.map((row) => row.name);
  const ownRows = connectors.map((row) => {
    const box = h('input', { type: 'checkbox', value: row.id, 'aria-label': `Select ${row.name}` });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(row.id);
      else selected.delete(row.id);
      syncSelection();
    });
    rowBoxes.push(box);
    const headerNames = Object.keys(row.stdio ? row.stdio.env : row.headers);
    return h(
      'tr',
      {},
      h('td', {}, box),
      h('th', { scope: 'row', class: 'name-cell' }, h('span', { class: 'truncate-line', title: row.name }, row.name), h('div', { class: 'muted small truncate-line', title: row.connectorId }, row.connectorId)),
      h('td', {}, badge(typeLabels[row.type], row.type === 'oauth' ? 'info' : 'neutral')),
      h('td', { class: 'url-cell' }, row.type === 'oauth' ? h('code', {}, row.oauthMcp ?? '') : h('span', { class: 'truncate-line', title: addressOf(row) }, addressOf(row))),
      h('td', {}, headerNames.length ? headerNames.join(', ') : h('span', { class: 'muted' }, 'None')),
      h('td', {}, formatDate(row.createdAt)),
      h('td', {}, formatDate(row.updatedAt)),
      h(
        'td',
        { class: 'row-actions' },
        button('Test', () => openTestDialog({ name: row.name, body: { connectorId: row.id } }), { ariaLabel: `Test ${row.name}` }),
        button('Edit', () => (row.stdio ? openStdioConnectorForm : openConnectorForm)({ existing: row, takenNames, onSaved: reload }), { ariaLabel: `Edit ${row.name}` }),
        button('Delete', () => void deleteConnectors([row], reload), { tone: 'danger', ariaLabel: `Delete ${row.name}` }),
      ),
    );
  });

  replace(
    main,
    h(
      'section',
      { class: 'card' },
      pageHeader(
        'Connectors',
        'Connect external systems and services to your AI Teammates',
        bulkDelete,
        button('Add hosted', () => openStdioConnectorForm({ takenNames, onSaved: reload }), { ariaLabel: 'Add hosted (stdio) server' }),
        button('Add', () => openConnectorForm({ takenNames, onSaved: reload }), { tone: 'primary', ariaLabel: 'Add connector' }),
      ),
      connectorTabs(''),
      h('div', { class: 'table-scroll' }, h(
        'table',
        { class: 'table' },
        h('caption', { class: 'visually-hidden' }, 'Connectors'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', class: 'select-col' }, selectAll),
            ...['Name', 'Type', 'URL / OAuth / command', 'Headers / env', 'Added', 'Updated'].map((title) => h('th', { scope: 'col' }, title)),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        h('tbody', {}, pinnedRows, ownRows),
      )),
      connectors.length === 0 ? h('p', { class: 'empty' }, 'No connectors') : null,
    ),
  );
};

async function deleteConnectors(rows: McpConnector[], reload: () => void) {
  if (rows.length === 0) return;
  const what = rows.length === 1 ? `"${rows[0]!.name}"` : `${rows.length} connectors`;
  if (!(await confirmDialog('Delete connector', `Delete ${what}? Servers it is assigned to lose it at once.`, 'Delete'))) return;
  const results = await Promise.allSettled(rows.map((row) => api('DELETE', `/api/mcp-connectors/${encodeURIComponent(row.id)}`)));
  const failed = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed.length) announce(`Could not delete ${failed.length} of ${rows.length}: ${errorText(failed[0]!.reason)}`, 'error');
  else announce(rows.length === 1 ? 'Connector deleted' : `${rows.length} connectors deleted`);
  reload();
}
