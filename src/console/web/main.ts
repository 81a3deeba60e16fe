import { api, clearApiKey, errorText, getApiKey, setApiKey, SIGNED_OUT_EVENT, type ConsoleConfig } from './api.js';
import { field, h, replace } from './dom.js';
import type { Page } from './page.js';
import { renderApprovals } from './pages/approvals.js';
import { renderAudit } from './pages/audit.js';
import { renderCatalogue } from './pages/catalogue.js';
import { renderConnectorDetail } from './pages/connectorDetail.js';
import { renderConnectors } from './pages/connectors.js';
import { renderPlugins } from './pages/plugins.js';
import { renderRegistry } from './pages/registry.js';
import { renderOAuthApps } from './pages/oauthApps.js';
import { renderPolicies } from './pages/policies.js';
import { renderCredentials } from './pages/credentials.js';
import { renderRunDetail } from './pages/runDetail.js';
import { renderRuns } from './pages/runs.js';
import { renderServer, renderServers } from './pages/servers.js';

const NAV: Array<{ path: string; label: string }> = [
  { path: 'connectors', label: 'Connectors' },
  { path: 'servers', label: 'Servers' },
  { path: 'credentials', label: 'Credentials' },
  { path: 'runs', label: 'Runs' },
  { path: 'approvals', label: 'Approvals' },
  { path: 'policies', label: 'Policies' },
  { path: 'audit', label: 'Audit' },
];

function route(): { page: Page; section: string; params: string[] } {
  const [section = 'connectors', ...params] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (section === 'servers' && params[0]) return { page: renderServer, section, params };
  if (section === 'runs' && params[0]) return { page: renderRunDetail, section, params };
  if (section === 'connectors' && params[0] === 'catalogue') return { page: params[1] ? renderConnectorDetail : renderCatalogue, section, params };
  if (section === 'connectors' && params[0] === 'registry') return { page: renderRegistry, section, params };
  if (section === 'connectors' && params[0] === 'plugins') return { page: renderPlugins, section, params };
  if (section === 'connectors' && params[0] === 'oauth-apps') return { page: renderOAuthApps, section, params };
  const pages: Record<string, Page> = { connectors: renderConnectors, servers: renderServers, credentials: renderCredentials, runs: renderRuns, approvals: renderApprovals, policies: renderPolicies, audit: renderAudit };
  return { page: pages[section] ?? renderConnectors, section: pages[section] ? section : 'connectors', params };
}

const root = document.getElementById('app')!;
let leavePage: (() => void) | void;

function signIn(message?: string) {
  leavePage?.();
  const key = field('API key', h('input', { type: 'password', name: 'apiKey', required: true, autocomplete: 'off', spellcheck: false }));
  const form = h(
    'form',
    {
      class: 'card signin',
      'aria-labelledby': 'signin-title',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const value = key.input.value.trim();
        if (!value) return key.setError('Enter an API key');
        setApiKey(value);
        key.input.value = '';
        void start().catch((error: unknown) => {
          clearApiKey();
          signIn(errorText(error));
        });
      },
    },
    h('h1', { id: 'signin-title' }, 'Sign in to Switchboard'),
    h('p', { class: 'muted' }, 'Use an API key of your account. It is kept in this tab only and is never put in a URL.'),
    key.element,
    h('button', { type: 'submit', class: 'button primary' }, 'Sign in'),
  );
  replace(root, h('main', { class: 'signin-page' }, form));
  if (message) key.setError(message);
  key.input.focus();
}

async function start() {
  const config = await api<ConsoleConfig>('GET', '/api/console/config');
  const main = h('main', { id: 'main', tabindex: '-1' });
  const links = NAV.map(({ path, label }) => h('a', { href: `#/${path}`, 'data-section': path }, label));
  replace(
    root,
    h('a', { href: '#main', class: 'skip-link', onclick: (event: Event) => (event.preventDefault(), main.focus()) }, 'Skip to content'),
    h(
      'header',
      { class: 'topbar' },
      h('span', { class: 'brand' }, 'Switchboard'),
      h('nav', { 'aria-label': 'Console' }, links),
      h('span', { class: 'muted user' }, config.userId),
      h(
        'button',
        {
          type: 'button',
          class: 'button subtle',
          onclick: () => {
            clearApiKey();
            signIn();
          },
        },
        'Sign out',
      ),
    ),
    main,
  );

  const show = async (moveFocus: boolean) => {
    leavePage?.();
    const { page, section, params } = route();
    for (const link of links) {
      if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    replace(main, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
    try {
      leavePage = await page(main, config, params);
    } catch (error) {
      replace(main, h('div', { class: 'card' }, h('h1', {}, 'Something went wrong'), h('p', { role: 'alert' }, errorText(error))));
    }
    // Move focus to the new page's heading so keyboard and screen-reader users land on it.
    if (moveFocus) main.querySelector<HTMLElement>('h1')?.focus();
  };
  window.onhashchange = () => void show(true);
  await show(false);
}

window.addEventListener(SIGNED_OUT_EVENT, () => {
  clearApiKey();
  signIn('The API key was refused. Sign in again.');
});

if (getApiKey()) {
  start().catch((error: unknown) => {
    clearApiKey();
    signIn(errorText(error));
  });
} else {
  signIn();
}
