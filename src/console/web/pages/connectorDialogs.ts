import { api, errorText, type McpConnector, type TestResult } from '../api.js';
import { badge, field, fillDialog, h, openDialog, replace } from '../dom.js';
import { namedValuesEditor } from './namedValues.js';

export interface TestTarget {
  name: string;
  body: { connectorId: string } | { oauthMcp: string };
}

/** "Test Connector": connects as soon as it opens and lists what came back. */
export function openTestDialog(target: TestTarget) {
  const handle = openDialog({ title: 'Test Connector', description: target.name, wide: true });
  const status = h('div', { role: 'status', 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Connecting…'));
  const close = h('button', { type: 'button', class: 'button', onclick: () => handle.close() }, 'Close');
  fillDialog(handle, status, h('div', { class: 'dialog-actions' }, close));
  api<TestResult>('POST', '/api/mcp-connectors/test', target.body)
    .then((result) => replace(status, ...testResultView(result)))
    .catch((error: unknown) => replace(status, h('pre', { class: 'error-text' }, errorText(error))))
    .finally(() => status.setAttribute('aria-busy', 'false'));
}

function testResultView(result: TestResult) {
  if (!result.ok) {
    return [
      badge(result.needsConnection ? 'Not connected' : 'Error', 'danger'),
      h('pre', { class: 'error-text' }, result.error ?? result.hint ?? 'The connector could not be reached'),
      result.needsConnection ? h('p', {}, h('a', { href: '#/credentials' }, 'Go to credentials →')) : null,
    ];
  }
  const total = (result.toolsets ?? []).reduce((sum, set) => sum + set.count, 0);
  return [
    badge(result.message ?? `Connected · ${total} tools`, 'success'),
    ...(result.toolsets ?? []).map((set) =>
      h(
        'section',
        { class: 'toolset' },
        h('h3', {}, set.name, ' ', h('span', { class: 'muted' }, `${set.count} ${set.count === 1 ? 'tool' : 'tools'}`)),
        h('ul', { class: 'badges', 'aria-label': `Tools of ${set.name}` }, set.tools.map((tool) => h('li', {}, badge(tool, 'info')))),
      ),
    ),
  ];
}

const HTTP_URL = /^https?:\/\/[^\s/]+/i;
const HEADERS = { legend: 'Headers (optional)', what: 'header', placeholder: 'x-api-key', pattern: /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/ };

/** "Add Connector" and "Edit Connector" for simple (URL) connectors; oauth ones edit their name only (hosted ones: stdioConnectorForm.ts). */
export function openConnectorForm(options: { existing?: McpConnector; takenNames: string[]; onSaved: () => void }) {
  const { existing } = options;
  const handle = openDialog(
    existing
      ? { title: 'Edit Connector', description: 'Update the connector configuration', wide: true }
      : { title: 'Add Connector', description: 'Register an MCP server by its URL', wide: true },
  );
  const name = field('Name', h('input', { type: 'text', name: 'name', required: true, maxlength: 100, value: existing?.name ?? '' }));
  const isOauth = existing?.type === 'oauth';
  const url = field('URL', h('input', { type: 'url', name: 'url', required: true, value: existing?.url ?? '', placeholder: 'https://example.com/mcp' }), 'http:// or https:// only');
  const currentHeaders = Object.entries(existing?.headers ?? {});
  const headers = namedValuesEditor(HEADERS, currentHeaders.map(([key]) => key));
  const replaceHeaders = h('input', { type: 'checkbox', id: 'replace-headers' });
  const headerSection = h('div', { hidden: Boolean(existing) }, headers.element);
  replaceHeaders.addEventListener('change', () => {
    headerSection.hidden = !replaceHeaders.checked;
  });
  const formError = h('p', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, existing ? 'Save' : 'Add');

  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        void save();
      },
    },
    existing
      ? h(
          'div',
          { class: 'type-info' },
          h('span', { class: 'muted' }, 'Type '),
          badge(isOauth ? 'OAuth' : 'Simple (HTTP URL)', 'info'),
          h('p', { class: 'hint' }, 'Type cannot be changed. Recreate the connector to switch type.'),
        )
      : null,
    name.element,
    isOauth ? null : url.element,
    !isOauth && existing
      ? h(
          'div',
          { class: 'existing-headers' },
          h('p', {}, currentHeaders.length ? `Headers: ${currentHeaders.map(([key, value]) => `${key}: ${value}`).join(', ')}` : 'No headers'),
          h('label', { class: 'checkbox' }, replaceHeaders, ' Replace headers'),
        )
      : null,
    isOauth ? null : headerSection,
    formError,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button', onclick: () => handle.close() }, 'Cancel'), submit),
  );

  async function save() {
    const trimmed = name.input.value.trim();
    const taken = options.takenNames.some((other) => other.toLowerCase() === trimmed.toLowerCase() && other !== existing?.name);
    name.setError(!trimmed ? 'Name is required' : taken ? `A connector named "${trimmed}" already exists` : undefined);
    const urlValue = url.input.value.trim();
    url.setError(isOauth ? undefined : !urlValue ? 'URL is required' : HTTP_URL.test(urlValue) ? undefined : 'Enter an http:// or https:// URL');
    const read = headers.read();
    formError.textContent = read.error ?? '';
    const invalid = form.querySelector<HTMLElement>('[aria-invalid=true]');
    if (invalid || read.error) return (invalid ?? form).focus();

    const sendHeaders = !existing || replaceHeaders.checked;
    const body = { name: trimmed, ...(isOauth ? {} : { url: urlValue }), ...(!isOauth && sendHeaders ? { headers: read.values } : {}) };
    submit.disabled = true;
    try {
      if (existing) await api('PUT', `/api/mcp-connectors/${encodeURIComponent(existing.id)}`, body);
      else await api('POST', '/api/mcp-connectors', body);
      handle.close();
      options.onSaved();
    } catch (error) {
      formError.textContent = errorText(error);
      submit.disabled = false;
    }
  }

  fillDialog(handle, form);
}
