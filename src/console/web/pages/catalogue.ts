import { api, errorText, type ConnectorListing } from '../api.js';
import { announce, badge, button, field, h, pageHeader, replace } from '../dom.js';
import type { Page } from '../page.js';
import { connectorTabs } from './connectorTabs.js';
import { openCustomConnectorEditor, openImportDialog } from './customConnectorDialogs.js';

/** How many matches the table draws; the rest are a search away. */
const SHOWN = 100;

/** Wait this long after the last keystroke before asking the server's search index. */
const SEARCH_DELAY_MS = 200;

/** The catalogue and the account's custom connectors: filter by category and origin, search, open one. */
export const renderCatalogue: Page = async (main, config) => {
  const { connectors } = await api<{ connectors: ConnectorListing[] }>('GET', '/api/connectors');
  const reload = () => void renderCatalogue(main, config, []).catch((error: unknown) => announce(errorText(error), 'error'));
  const categories = [...new Set(connectors.map((row) => row.category))].sort();
  const search = field('Search', h('input', { type: 'search', name: 'search', placeholder: 'Name, id or description', autocomplete: 'off' }));
  const category = field('Category', h('select', { name: 'category' }, h('option', { value: '' }, 'All categories'), categories.map((name) => h('option', { value: name }, name))));
  const origin = field(
    'Origin',
    h('select', { name: 'origin' }, h('option', { value: '' }, 'Catalogue and custom'), h('option', { value: 'catalog' }, 'Catalogue'), h('option', { value: 'custom' }, 'Custom')),
  );
  const count = h('p', { class: 'muted small', role: 'status' });
  const body = h('tbody');

  /** The search's matches, best first, from GET /api/connectors?query= (the index list_connectors uses). */
  let ranked: ConnectorListing[] | undefined;
  const draw = () => {
    const shown = (ranked ?? connectors).filter(
      (row) => (!category.input.value || row.category === category.input.value) && (!origin.input.value || row.origin === origin.input.value),
    );
    count.textContent = shown.length > SHOWN ? `Showing ${SHOWN} of ${shown.length} connectors: refine the search to see the rest` : `${shown.length} connectors`;
    replace(
      body,
      shown.slice(0, SHOWN).map((row) =>
        h(
          'tr',
          {},
          h(
            'th',
            { scope: 'row', class: 'truncate', title: `${row.name} (${row.id})` },
            h('a', { href: `#/connectors/catalogue/${encodeURIComponent(row.id)}` }, row.name),
            h('div', { class: 'muted small truncate' }, row.id),
          ),
          h('td', {}, row.category),
          h('td', {}, row.origin === 'custom' ? badge('Custom', 'info') : badge('Catalogue')),
          h('td', {}, row.authTypes.join(', ')),
          h('td', {}, String(row.actionCount)),
          h('td', {}, row.enabled ? badge('enabled', 'success') : badge('disabled', 'danger')),
          h('td', {}, h('div', { class: 'description-cell', title: row.description }, row.description)),
        ),
      ),
    );
  };
  let pending: ReturnType<typeof setTimeout> | undefined;
  search.input.addEventListener('input', () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      const query = search.input.value.trim();
      if (!query) {
        ranked = undefined;
        draw();
        return;
      }
      api<{ connectors: ConnectorListing[] }>('GET', `/api/connectors?query=${encodeURIComponent(query.slice(0, 200))}`)
        .then((answer) => {
          if (search.input.value.trim() !== query) return;
          ranked = answer.connectors;
          draw();
        })
        .catch((error: unknown) => announce(errorText(error), 'error'));
    }, SEARCH_DELAY_MS);
  });
  category.input.addEventListener('change', draw);
  origin.input.addEventListener('change', draw);
  draw();

  replace(
    main,
    h(
      'section',
      { class: 'card' },
      pageHeader(
        'Connectors',
        'The catalogue and your custom REST connectors: what agents can call, and how it is set up for this account',
        button('Import OpenAPI', () => openImportDialog(), { ariaLabel: 'Import an OpenAPI document' }),
        button('Create', () => openCustomConnectorEditor({ onSaved: reload }), { tone: 'primary', ariaLabel: 'Create a custom connector' }),
      ),
      connectorTabs('catalogue'),
      h('div', { class: 'filters', role: 'search' }, search.element, category.element, origin.element),
      count,
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'table' },
          h('caption', { class: 'visually-hidden' }, 'Catalogue and custom connectors'),
          h('thead', {}, h('tr', {}, ['Name', 'Category', 'Origin', 'Auth', 'Actions', 'Status', 'Description'].map((title) => h('th', { scope: 'col' }, title)))),
          body,
        ),
      ),
    ),
  );
};
