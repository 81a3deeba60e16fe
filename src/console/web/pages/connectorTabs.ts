import { h } from '../dom.js';

const TABS = [
  { path: '', label: 'Remote MCP' },
  { path: 'catalogue', label: 'Catalogue' },
  { path: 'registry', label: 'Registry' },
  { path: 'plugins', label: 'Plugins' },
  { path: 'oauth-apps', label: 'OAuth apps' },
];

/** The Connectors section's sub-pages, as links so each has its own address. */
export function connectorTabs(current: '' | 'catalogue' | 'registry' | 'plugins' | 'oauth-apps') {
  return h(
    'nav',
    { class: 'subnav', 'aria-label': 'Connector pages' },
    TABS.map((tab) => h('a', { href: tab.path ? `#/connectors/${tab.path}` : '#/connectors', 'aria-current': tab.path === current ? 'page' : null }, tab.label)),
  );
}
