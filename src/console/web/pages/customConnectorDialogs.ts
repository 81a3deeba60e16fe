import { api, errorText, type ConnectorDetail } from '../api.js';
import { announce, button, field, fillDialog, h, openDialog } from '../dom.js';

const CATEGORIES = ['communication', 'crm', 'marketing', 'storage', 'productivity', 'development', 'finance', 'support', 'analytics', 'ecommerce', 'hr', 'security', 'other'];

/** A starting point for a hand-written connector: one action, bearer auth. */
const TEMPLATE = {
  id: 'my-api',
  name: 'My API',
  category: 'other',
  description: '',
  baseUrl: 'https://api.example.com',
  authMethods: [{ type: 'bearer' }],
  resources: [{ id: 'items', name: 'Items' }],
  actions: [
    {
      id: 'items_list',
      resource: 'items',
      title: 'List items',
      description: 'Lists items',
      method: 'GET',
      path: '/items',
      parameters: [{ name: 'limit', in: 'query', type: 'integer', required: false }],
      response: {},
    },
  ],
  rateLimit: { requestsPerSecond: 5 },
};

/** What the API adds to a definition when it answers; not part of what is sent back. */
function definitionOf(detail: ConnectorDetail) {
  const { origin: _origin, settings: _settings, ...definition } = detail as ConnectorDetail & { source?: unknown };
  return definition;
}

/** Import a custom connector from an OpenAPI 3 / Swagger 2 document, chosen as a file or pasted. */
export function openImportDialog() {
  const handle = openDialog({ title: 'Import OpenAPI document', description: 'OpenAPI 3 or Swagger 2, JSON or YAML. External $refs are refused.', wide: true });
  const file = field('File', h('input', { type: 'file', name: 'file', accept: '.json,.yaml,.yml,application/json,application/yaml' }));
  const text = field('Or paste the document', h('textarea', { name: 'document', class: 'code', rows: 10, spellcheck: false }));
  const id = field('Id', h('input', { type: 'text', name: 'id', autocomplete: 'off', spellcheck: false }), 'Optional: a lowercase slug; taken from the title otherwise');
  const name = field('Name', h('input', { type: 'text', name: 'name', autocomplete: 'off' }), 'Optional: the document title otherwise');
  const category = field('Category', h('select', { name: 'category' }, h('option', { value: '' }, 'From the document (other)'), CATEGORIES.map((value) => h('option', { value }, value))));
  const baseUrl = field('Base URL', h('input', { type: 'url', name: 'baseUrl', autocomplete: 'off' }), "Optional: overrides the document's servers (required when it names none)");
  const failure = h('p', { class: 'error-text', role: 'alert', hidden: true });
  const submit = async (event: Event) => {
    event.preventDefault();
    failure.hidden = true;
    const chosen = file.input instanceof HTMLInputElement ? file.input.files?.[0] : undefined;
    const document = chosen ? await chosen.text() : text.input.value;
    if (!document.trim()) return text.setError('Choose a file or paste a document');
    text.setError(undefined);
    try {
      const created = await api<ConnectorDetail>('POST', '/api/connectors/import', {
        document,
        ...(id.input.value.trim() ? { id: id.input.value.trim() } : {}),
        ...(name.input.value.trim() ? { name: name.input.value.trim() } : {}),
        ...(category.input.value ? { category: category.input.value } : {}),
        ...(baseUrl.input.value.trim() ? { baseUrl: baseUrl.input.value.trim() } : {}),
      });
      announce(`Imported ${created.name} with ${created.actions.length} actions`);
      handle.close();
      // Straight to the new connector's page (which loads it afresh) rather than redrawing the list under it.
      location.hash = `#/connectors/catalogue/${encodeURIComponent(created.id)}`;
    } catch (error) {
      failure.textContent = errorText(error);
      failure.hidden = false;
    }
  };
  fillDialog(
    handle,
    h(
      'form',
      { novalidate: true, onsubmit: (event: Event) => void submit(event) },
      file.element,
      text.element,
      h('div', { class: 'two-columns' }, id.element, name.element, category.element, baseUrl.element),
      failure,
      h('div', { class: 'dialog-actions' }, button('Cancel', () => handle.close()), h('button', { type: 'submit', class: 'button primary' }, 'Import')),
    ),
  );
}

/** Create or edit a custom connector as its JSON definition (the schema is in the OpenAPI spec). */
export function openCustomConnectorEditor(options: { existing?: ConnectorDetail; onSaved: () => void }) {
  const editing = options.existing;
  const handle = openDialog({
    title: editing ? `Edit ${editing.name}` : 'Create custom connector',
    description: editing ? 'The whole definition is replaced; the id cannot change.' : 'A REST connector described as JSON: base URL, auth methods, resources and actions.',
    wide: true,
  });
  const json = field('Definition (JSON)', h('textarea', { name: 'definition', class: 'code', rows: 18, spellcheck: false }));
  json.input.value = JSON.stringify(editing ? definitionOf(editing) : TEMPLATE, null, 2);
  const submit = async (event: Event) => {
    event.preventDefault();
    let definition: unknown;
    try {
      definition = JSON.parse(json.input.value);
    } catch (error) {
      return json.setError(`Not valid JSON: ${errorText(error)}`);
    }
    try {
      const saved = editing
        ? await api<ConnectorDetail>('PUT', `/api/connectors/${encodeURIComponent(editing.id)}`, definition)
        : await api<ConnectorDetail>('POST', '/api/connectors', definition);
      announce(editing ? `${saved.name} saved` : `${saved.name} created`);
      handle.close();
      options.onSaved();
    } catch (error) {
      json.setError(errorText(error));
    }
  };
  fillDialog(
    handle,
    h(
      'form',
      { novalidate: true, onsubmit: (event: Event) => void submit(event) },
      json.element,
      h('div', { class: 'dialog-actions' }, button('Cancel', () => handle.close()), h('button', { type: 'submit', class: 'button primary' }, editing ? 'Save' : 'Create')),
    ),
  );
}
