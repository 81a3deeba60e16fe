import { api, errorText, type McpConnector } from '../api.js';
import { field, fillDialog, h, openDialog } from '../dom.js';
import { namedValuesEditor } from './namedValues.js';

const ENVIRONMENT = { legend: 'Environment (optional)', what: 'variable', placeholder: 'API_TOKEN', pattern: /^[A-Za-z_][A-Za-z0-9_]{0,127}$/ };

/**
 * "Add hosted server" and editing a hosted (stdio) connector: the command the worker runs in its
 * sandbox, its arguments (one a line), its environment (values may be {{variables}}; stored sealed
 * and shown masked, so existing values are replaced, never shown) and whether it gets a network.
 */
export function openStdioConnectorForm(options: { existing?: McpConnector; takenNames: string[]; onSaved: () => void }) {
  const { existing } = options;
  const stdio = existing?.stdio;
  const handle = openDialog(
    existing
      ? { title: 'Edit Hosted Server', description: 'A command the worker runs in its sandbox (docs/hosted.md)', wide: true }
      : { title: 'Add Hosted Server', description: 'An MCP server the worker runs in its sandbox and speaks to over stdio', wide: true },
  );
  const name = field('Name', h('input', { type: 'text', name: 'name', required: true, maxlength: 100, value: existing?.name ?? '' }));
  const command = field(
    'Command',
    h('input', { type: 'text', name: 'command', required: true, maxlength: 1024, value: stdio?.command ?? '', placeholder: 'npx', spellcheck: false }),
    'A program on the sandbox’s PATH (/usr/local/bin:/usr/bin:/bin)',
  );
  const args = field(
    'Arguments',
    h('textarea', { name: 'args', rows: 3, spellcheck: false, placeholder: '-y\n@modelcontextprotocol/server-everything' }),
    'One a line; may reference {{variables}}',
  );
  args.input.value = (stdio?.args ?? []).join('\n');
  const currentEnv = Object.entries(stdio?.env ?? {});
  const env = namedValuesEditor(ENVIRONMENT, existing ? currentEnv.map(([key]) => key) : []);
  const replaceEnv = h('input', { type: 'checkbox', id: 'replace-env' });
  const envSection = h('div', { hidden: Boolean(existing) }, env.element);
  replaceEnv.addEventListener('change', () => {
    envSection.hidden = !replaceEnv.checked;
  });
  const network = h('input', { type: 'checkbox', name: 'network', checked: stdio?.network ?? false });
  const formError = h('p', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, existing ? 'Save' : 'Add');

  const form = h(
    'form',
    { novalidate: true, onsubmit: (event: Event) => (event.preventDefault(), void save()) },
    name.element,
    command.element,
    args.element,
    existing
      ? h(
          'div',
          { class: 'existing-headers' },
          h('p', {}, currentEnv.length ? `Environment: ${currentEnv.map(([key, value]) => `${key}=${value}`).join(', ')}` : 'No environment variables'),
          h('label', { class: 'checkbox' }, replaceEnv, ' Replace environment'),
        )
      : null,
    envSection,
    h('label', { class: 'checkbox' }, network, ' Network access'),
    h(
      'p',
      { class: 'hint' },
      'Off: no network at all. On: a network namespace of its own behind user-mode NAT, without the host’s loopback; only where the deployment sets HOSTED_MCP_ALLOW_NETWORK=true.',
    ),
    formError,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button', onclick: () => handle.close() }, 'Cancel'), submit),
  );

  async function save() {
    const trimmed = name.input.value.trim();
    const taken = options.takenNames.some((other) => other.toLowerCase() === trimmed.toLowerCase() && other !== existing?.name);
    name.setError(!trimmed ? 'Name is required' : taken ? `A connector named "${trimmed}" already exists` : undefined);
    command.setError(command.input.value.trim() ? undefined : 'Command is required');
    const read = env.read();
    formError.textContent = read.error ?? '';
    const invalid = form.querySelector<HTMLElement>('[aria-invalid=true]');
    if (invalid || read.error) return (invalid ?? form).focus();

    const argList = args.input.value.split('\n').filter((line) => line.trim() !== '');
    const sendEnv = !existing || replaceEnv.checked;
    const body = { name: trimmed, command: command.input.value.trim(), args: argList, network: network.checked, ...(sendEnv ? { env: read.values } : {}) };
    submit.disabled = true;
    try {
      if (existing) await api('PUT', `/api/mcp-connectors/${encodeURIComponent(existing.id)}`, body);
      else await api('POST', '/api/mcp-connectors', { ...body, type: 'stdio' });
      handle.close();
      options.onSaved();
    } catch (error) {
      formError.textContent = errorText(error);
      submit.disabled = false;
    }
  }

  fillDialog(handle, form);
}
