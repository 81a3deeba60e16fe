import { api, errorText, type Assignment, type McpConnector, type OAuthEntry, type RestrictionList, type Server, type ServerTools } from '../api.js';
import { announce, badge, button, confirmDialog, formatDate, h, pageHeader, replace } from '../dom.js';
import type { Page } from '../page.js';
import { openAccessDialog, openServerForm } from './serverDialogs.js';

const serverPath = (server: Server) => `#/servers/${encodeURIComponent(server.serverId)}`;

function restrictionSummary(server: Server): string {
  const parts = Object.entries(server.restrictions).flatMap(([key, list]: [string, RestrictionList | undefined]) =>
    list ? [`${key}: ${list.mode === 'allowlist' ? 'only' : 'not'} ${list.ids.join(', ') || '(none)'}`] : [],
  );
  return parts.length ? parts.join('; ') : 'None';
}

async function rotate(server: Server, after: () => void) {
  if (!(await confirmDialog('Rotate token', `Issue a new token for "${server.name}"? Clients using the old URL stop working at once.`, 'Rotate token'))) return;
  try {
    openAccessDialog(await api<Server>('POST', `/api/servers/${encodeURIComponent(server.serverId)}/rotate-token`), 'Token rotated');
    after();
  } catch (error) {
    announce(errorText(error), 'error');
  }
}

/** Servers: list, create, rotate and delete. */
export const renderServers: Page = async (main, config) => {
  const { servers } = await api<{ servers: Server[] }>('GET', '/api/servers');
  const reload = () => void renderServers(main, config, []).catch((error: unknown) => announce(errorText(error), 'error'));
  const remove = async (server: Server) => {
    if (!(await confirmDialog('Delete server', `Delete "${server.name}"? Its MCP URLs stop working at once.`, 'Delete'))) return;
    await api('DELETE', `/api/servers/${encodeURIComponent(server.serverId)}`).then(
      () => announce('Server deleted'),
      (error: unknown) => announce(errorText(error), 'error'),
    );
    reload();
  };
  const rows = servers.map((server) =>
    h(
      'tr',
      {},
      h(
        'th',
        { scope: 'row', class: 'name-cell' },
        h('a', { href: serverPath(server), class: 'truncate-line', title: server.name }, server.name),
        server.description ? h('div', { class: 'muted small truncate-line', title: server.description }, server.description) : null,
      ),
      // data-label: what a cell is once the table stacks into one block per server (narrow screens, styles.css).
      h('td', { class: 'url-cell', 'data-label': 'URL' }, h('code', { class: 'truncate-line', title: server.url }, server.url)),
      h('td', { 'data-label': 'Access' }, server.isPublic ? badge('Public', 'warning') : badge('Private')),
      h('td', { class: 'small break', 'data-label': 'Restrictions' }, restrictionSummary(server)),
      h('td', { 'data-label': 'Created' }, formatDate(server.createdAt)),
      h(
        'td',
        { class: 'row-actions' },
        h(
          'div',
          { class: 'row-actions-list' },
          h('a', { class: 'button', href: `${serverPath(server)}/connectors`, 'aria-label': `Connectors of ${server.name}` }, 'Connectors'),
          button('Edit', () => openServerForm({ existing: server, onSaved: (saved) => (announce(`${saved.name} saved`), reload()) }), { ariaLabel: `Edit ${server.name}` }),
          button('Rotate token', () => void rotate(server, reload), { ariaLabel: `Rotate token of ${server.name}` }),
          button('Delete', () => void remove(server), { tone: 'danger', ariaLabel: `Delete ${server.name}` }),
        ),
      ),
    ),
  );
  replace(
    main,
    h(
      'section',
      { class: 'card' },
      pageHeader(
        'Servers',
        'MCP endpoints your AI Teammates connect to, each with its own URL, token and restrictions',
        button('Create', () => openServerForm({ onSaved: (server) => (openAccessDialog(server, 'Server created'), reload()) }), {
          tone: 'primary',
          ariaLabel: 'Create server',
        }),
      ),
      servers.length
        ? h('div', { class: 'table-scroll' }, h(
            'table',
            { class: 'table servers-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Name', 'URL', 'Access', 'Restrictions', 'Created'].map((title) => h('th', { scope: 'col', class: `col-${title.toLowerCase()}` }, title)),
                h('th', { scope: 'col', class: 'col-actions' }, h('span', { class: 'visually-hidden' }, 'Actions')),
              ),
            ),
            h('tbody', {}, rows),
          ))
        : h('p', { class: 'empty' }, 'No servers'),
    ),
  );
};

/** One server: an overview tab, a Connectors tab with assignment checkboxes, and the tools an agent sees. */
export const renderServer: Page = async (main, _config, [serverId, initialTab]) => {
  const server = await api<Server>('GET', `/api/servers/${encodeURIComponent(serverId!)}`);
  const tabs = [
    { id: 'overview', label: 'Overview', render: () => overview(server) },
    { id: 'connectors', label: 'Connectors', render: () => connectorsTab(server) },
    { id: 'tools', label: 'Tools', render: () => toolsTab(server) },
  ];
  const panel = h('div', { role: 'tabpanel', id: 'server-tab-panel', class: 'tab-panel', tabindex: '0' });
  const tabButtons = tabs.map((entry) =>
    h('button', { type: 'button', role: 'tab', id: `tab-${entry.id}`, 'aria-controls': panel.id, onclick: () => void select(entry.id) }, entry.label),
  );
  async function select(id: string) {
    const active = tabs.find((entry) => entry.id === id) ?? tabs[0]!;
    tabs.forEach((entry, index) => {
      tabButtons[index]!.setAttribute('aria-selected', String(entry === active));
      tabButtons[index]!.tabIndex = entry === active ? 0 : -1;
    });
    panel.setAttribute('aria-labelledby', `tab-${active.id}`);
    // replaceState, unlike assigning the hash, does not re-render the page: the tab stays focused.
    history.replaceState(null, '', `${serverPath(server)}/${active.id}`);
    replace(panel, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
    try {
      replace(panel, await active.render());
    } catch (error) {
      replace(panel, h('p', { role: 'alert' }, errorText(error)));
    }
  }
  // Arrow keys move between tabs, as the WAI-ARIA tabs pattern expects.
  const tabList = h('div', { role: 'tablist', 'aria-label': 'Server sections' }, tabButtons);
  tabList.addEventListener('keydown', (event) => {
    const index = tabButtons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0 || (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft')) return;
    const next = tabButtons[(index + (event.key === 'ArrowRight' ? 1 : tabButtons.length - 1)) % tabButtons.length]!;
    next.focus();
    void select(tabs[tabButtons.indexOf(next)]!.id);
  });
  replace(
    main,
    h(
      'section',
      { class: 'card' },
      h('p', { class: 'breadcrumb' }, h('a', { href: '#/servers' }, '← Servers')),
      pageHeader(
        server.name,
        server.description || 'MCP server',
        button('Edit', () => openServerForm({ existing: server, onSaved: (saved) => (announce(`${saved.name} saved`), void renderServer(main, _config, [saved.serverId, 'overview'])) }), { ariaLabel: `Edit ${server.name}` }),
        button('Rotate token', () => void rotate(server, () => undefined)),
      ),
      tabList,
      panel,
    ),
  );
  await select(initialTab ?? 'overview');
};

function overview(server: Server) {
  return Promise.resolve(
    h(
      'dl',
      { class: 'details' },
      h('dt', {}, 'MCP URL'),
      h('dd', {}, h('code', {}, server.url), h('p', { class: 'hint' }, 'Clients use the access URL (this URL plus a token, shown on create and on token rotation), or this URL with the API key.')),
      h('dt', {}, 'Mode'),
      h('dd', {}, server.mode === 'tools' ? 'Tools: each allowed action is a tool of its own' : 'Connectivity: the meta-tools (list_connectors … execute_action)'),
      h('dt', {}, 'Access'),
      h('dd', {}, server.isPublic ? 'Public: end users may name themselves with x-user-id' : 'Private: runs as the owner or the user a user token names'),
      h('dt', {}, 'Token lifetime'),
      h('dd', {}, `${server.tokenExpiresInDays} days`),
      h('dt', {}, 'Restrictions'),
      h('dd', {}, restrictionSummary(server)),
      h('dt', {}, 'Created'),
      h('dd', {}, formatDate(server.createdAt)),
    ),
  );
}

interface Assignable {
  key: string;
  name: string;
  detail: string;
  body: { mcpConnectorId: string } | { oauthMcp: string };
  warning?: string;
  connectorId?: string;
}

async function connectorsTab(server: Server) {
  const base = `/api/servers/${encodeURIComponent(server.serverId)}/connectors`;
  const [{ connectors }, { entries }, { assignments }] = await Promise.all([
    api<{ connectors: McpConnector[] }>('GET', '/api/mcp-connectors'),
    api<{ entries: OAuthEntry[] }>('GET', '/api/mcp-connectors/oauth'),
    api<{ assignments: Assignment[] }>('GET', base),
  ]);
  const assignable: Assignable[] = [
    ...entries.map((entry) => ({
      key: `oauth:${entry.id}`,
      name: entry.name,
      detail: 'OAuth',
      body: { oauthMcp: entry.id },
      connectorId: entry.connectorId,
      ...(entry.needsConnection ? { warning: `${entry.name} is not connected for you yet.` } : {}),
    })),
    ...connectors
      .filter((row) => row.type !== 'oauth')
      .map((row) => ({ key: `mcp:${row.id}`, name: row.name, detail: row.stdio?.command ?? row.url ?? '', body: { mcpConnectorId: row.id } })),
  ];
  const assigned = new Set(assignments.map((entry) => (entry.kind === 'oauth' ? `oauth:${entry.oauthMcp}` : `mcp:${entry.mcpConnectorId}`)));
  const note = h('p', { class: 'hint', role: 'status' });
  const otherCount = assignments.filter((entry) => entry.kind === 'connector').length;
  const describe = () => {
    note.textContent = assigned.size + otherCount === 0 ? 'Nothing assigned: this server offers every catalogue connector.' : `${assigned.size + otherCount} assigned.`;
  };
  describe();
  if (assignable.length === 0) {
    return h('div', {}, h('p', { class: 'empty' }, 'No connectors'), h('p', { class: 'muted' }, 'Add connectors on the ', h('a', { href: '#/connectors' }, 'Connectors page'), ' first.'));
  }
  const items = assignable.map((item) => {
    const box = h('input', { type: 'checkbox', checked: assigned.has(item.key) });
    // Optimistic: the box changes at once and is put back if the API refuses.
    box.addEventListener('change', () => {
      const want = box.checked;
      box.setAttribute('aria-busy', 'true');
      if (want) assigned.add(item.key);
      else assigned.delete(item.key);
      describe();
      api(want ? 'POST' : 'DELETE', base, item.body)
        .then(() => announce(`${item.name} ${want ? 'assigned' : 'unassigned'}`))
        .catch((error: unknown) => {
          box.checked = !want;
          if (want) assigned.delete(item.key);
          else assigned.add(item.key);
          describe();
          announce(`Could not ${want ? 'assign' : 'unassign'} ${item.name}: ${errorText(error)}`, 'error');
        })
        .finally(() => box.removeAttribute('aria-busy'));
    });
    return h(
      'li',
      {},
      h('label', { class: 'checkbox' }, box, ' ', h('strong', {}, item.name), ' ', h('span', { class: 'muted small' }, item.detail)),
      item.warning ? h('p', { class: 'warning small' }, '⚠ ', item.warning, ' ', h('a', { href: `#/credentials/connect/${encodeURIComponent(item.connectorId ?? '')}` }, 'Connect it →')) : null,
    );
  });
  return h('fieldset', { class: 'assignments' }, h('legend', {}, 'Connected systems and services'), note, h('ul', { class: 'plain-list' }, items));
}

/** What an agent acting as the signed-in user sees on tools/list, as the server's mode and policy decide. */
async function toolsTab(server: Server) {
  const { tools, listed, count } = await api<ServerTools>('GET', `/api/servers/${encodeURIComponent(server.serverId)}/tools`);
  const note =
    listed < count
      ? `${count} tools: an agent's tools/list shows ${listed}, the last being search_tools, which finds the others (all callable by name).`
      : `${count} tools on an agent's tools/list, as you would see them.`;
  return h(
    'section',
    {},
    h('p', { class: 'muted', role: 'status' }, note),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Tool'), h('th', { scope: 'col' }, 'Description'))),
        h(
          'tbody',
          {},
          tools.map((tool) => h('tr', {}, h('th', { scope: 'row' }, h('code', {}, tool.name)), h('td', {}, tool.description ?? tool.title ?? ''))),
        ),
      ),
    ),
  );
}
