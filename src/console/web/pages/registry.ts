import { api, errorText, type McpConnector } from '../api.js';
import { announce, badge, button, field, fillDialog, h, openDialog, pageHeader, replace } from '../dom.js';
import type { Page } from '../page.js';
import { connectorTabs } from './connectorTabs.js';

/** What GET /api/registry/servers answers (src/remoteMcp/mcpRegistry.ts searchRegistryResponse). */
interface Declared {
  name: string;
  description?: string;
  isRequired: boolean;
  isSecret: boolean;
}
interface RegistryServer {
  name: string;
  title?: string;
  description: string;
  version: string;
  remotes: Array<{ type: string; url: string; headers: Declared[]; installable: boolean; reason?: string }>;
  packages: Array<{ registryType: string; identifier: string; version?: string; environmentVariables: Declared[]; installable: boolean; reason?: string }>;
}
interface RegistryPage {
  servers: RegistryServer[];
  nextCursor?: string;
  skipped: Array<{ name?: string; problem: string }>;
  registry: string;
}

/** One way to install an entry: a remote or a package, with what it asks for. */
interface Choice {
  label: string;
  kind: 'remoteUrl' | 'packageIdentifier';
  value: string;
  declared: Declared[];
  installable: boolean;
  reason?: string;
}

const choicesOf = (server: RegistryServer): Choice[] => [
  ...server.remotes.map((remote) => ({ label: `Remote (${remote.type}) ${remote.url}`, kind: 'remoteUrl' as const, value: remote.url, declared: remote.headers, installable: remote.installable, reason: remote.reason })),
  ...server.packages.map((pkg) => ({
    label: `${pkg.registryType} package ${pkg.identifier}${pkg.version ? `@${pkg.version}` : ''}`,
    kind: 'packageIdentifier' as const,
    value: pkg.identifier,
    declared: pkg.environmentVariables,
    installable: pkg.installable,
    reason: pkg.reason,
  })),
];

/** Connectors › Registry: search the MCP registry (MCP_REGISTRY_URL), pick an entry, fill what it declares, install. */
export const renderRegistry: Page = async (main) => {
  const search = h('input', { type: 'search', 'aria-label': 'Search the registry', placeholder: 'Search servers' });
  const results = h('div', { role: 'status', 'aria-live': 'polite' });
  const cursors: Array<string | undefined> = [undefined];
  const load = async (cursor: string | undefined) => {
    results.setAttribute('aria-busy', 'true');
    try {
      const query = new URLSearchParams({ limit: '20', ...(search.value.trim() ? { search: search.value.trim() } : {}), ...(cursor ? { cursor } : {}) });
      const page = await api<RegistryPage>('GET', `/api/registry/servers?${query.toString()}`);
      replace(results, ...resultsView(page, () => void load(page.nextCursor)));
    } catch (error) {
      replace(results, h('pre', { class: 'error-text' }, errorText(error)));
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  };
  const form = h(
    'form',
    { class: 'toolbar', role: 'search', onsubmit: (event: Event) => (event.preventDefault(), void load(cursors[0])) },
    search,
    h('button', { type: 'submit', class: 'button' }, 'Search'),
  );
  replace(main, h('section', { class: 'card' }, pageHeader('Connectors', 'Install MCP servers from the MCP registry'), connectorTabs('registry'), form, results));
  await load(undefined);
};

function resultsView(page: RegistryPage, next: () => void) {
  return [
    h('p', { class: 'muted small' }, `From ${page.registry}`),
    page.servers.length === 0 ? h('p', { class: 'empty' }, 'No servers found') : null,
    h(
      'ul',
      { class: 'registry-list' },
      page.servers.map((server) =>
        h(
          'li',
          { class: 'registry-entry' },
          h('h3', {}, server.title ?? server.name, ' ', h('span', { class: 'muted small' }, `${server.name} · ${server.version}`)),
          h('p', {}, server.description),
          h(
            'ul',
            {},
            choicesOf(server).map((choice) =>
              h(
                'li',
                {},
                h('span', {}, choice.label, ' '),
                choice.installable
                  ? button('Install', () => openInstallDialog(server, choice), { ariaLabel: `Install ${server.name}: ${choice.label}` })
                  : badge(choice.reason ?? 'Not installable here', 'warning'),
              ),
            ),
          ),
        ),
      ),
    ),
    page.skipped.length ? h('p', { class: 'muted small' }, `${page.skipped.length} entries left out: they do not fit server.json`) : null,
    page.nextCursor ? button('More', next) : null,
  ];
}

function openInstallDialog(server: RegistryServer, choice: Choice) {
  const handle = openDialog({ title: 'Install from registry', description: `${server.name} ${server.version}: ${choice.label}`, wide: true });
  const name = field('Connector name', h('input', { type: 'text', value: (server.title ?? server.name.split('/').pop() ?? server.name).slice(0, 100), required: true, maxLength: 100 }));
  const inputs = choice.declared.map((item) =>
    field(
      item.name,
      h('input', { type: item.isSecret ? 'password' : 'text', required: item.isRequired, autocomplete: 'off', placeholder: 'value or {{variable}}' }),
      item.description,
    ),
  );
  const formError = h('p', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Install');
  const install = async () => {
    const values = Object.fromEntries(choice.declared.map((item, index) => [item.name, inputs[index]!.input.value]).filter(([, value]) => value !== ''));
    submit.disabled = true;
    try {
      const created = await api<McpConnector>('POST', '/api/registry/install', { name: server.name, version: server.version, [choice.kind]: choice.value, connectorName: name.input.value.trim(), values });
      handle.close();
      announce(`Installed as ${created.connectorId}; assign it to a server to use it`);
      location.hash = '#/connectors';
    } catch (error) {
      formError.textContent = errorText(error);
      submit.disabled = false;
    }
  };
  fillDialog(
    handle,
    h(
      'form',
      { onsubmit: (event: Event) => (event.preventDefault(), void install()) },
      name.element,
      ...inputs.map((input) => input.element),
      choice.kind === 'packageIdentifier' ? h('p', { class: 'hint' }, 'Runs with npx inside the sandbox, with the network on; values are sealed at rest.') : null,
      formError,
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button', onclick: () => handle.close() }, 'Cancel'), submit),
    ),
  );
}
