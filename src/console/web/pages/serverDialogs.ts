import { api, errorText, type RestrictionList, type Server } from '../api.js';
import { announce, button, copyText, field, fillDialog, h, lastSix, openDialog } from '../dom.js';

const SNIPPETS: Array<{ label: string; build: (url: string) => string }> = [
  { label: 'Claude Code command', build: (url) => `claude mcp add --transport http switchboard ${url}` },
  { label: 'Cursor config', build: (url) => JSON.stringify({ mcpServers: { switchboard: { url } } }, null, 2) },
  { label: 'Claude Desktop config', build: (url) => JSON.stringify({ mcpServers: { switchboard: { command: 'npx', args: ['mcp-remote', url] } } }, null, 2) },
];

/**
 * The access URL carries the server's token, which the API shows only on create and rotation.
 * It stays in this closure: the page shows its last 6 characters and copies the real thing.
 */
export function openAccessDialog(server: Server, heading: string) {
  const accessUrl = server.accessUrl!;
  const masked = `${server.url}/${lastSix(accessUrl.slice(server.url.length + 1))}`;
  const handle = openDialog({ title: heading, description: `${server.name}: copy the MCP URL now. Its token is stored hashed and cannot be shown again.`, wide: true });
  fillDialog(
    handle,
    h('h3', {}, 'MCP URL'),
    h('div', { class: 'copy-row' }, h('code', { class: 'secret' }, masked), button('Copy MCP URL', () => void copyText(accessUrl, 'MCP URL'), { tone: 'primary' })),
    server.accessTokenExpiresAt ? h('p', { class: 'hint' }, `The token expires on ${new Date(server.accessTokenExpiresAt).toLocaleDateString()}.`) : null,
    SNIPPETS.map(({ label, build }) =>
      h(
        'section',
        { class: 'snippet' },
        h('div', { class: 'copy-row' }, h('h3', {}, label), button(`Copy ${label}`, () => void copyText(build(accessUrl), label))),
        h('pre', {}, build(masked)),
      ),
    ),
    h('div', { class: 'dialog-actions' }, button('Done', () => handle.close())),
  );
}

function restrictionField(title: string, placeholder: string, current?: RestrictionList) {
  const mode = h(
    'select',
    { 'aria-label': `${title}: mode` },
    h('option', { value: '' }, 'No restriction'),
    h('option', { value: 'allowlist' }, 'Allow only these'),
    h('option', { value: 'blocklist' }, 'Block these'),
  );
  const ids = h('textarea', { rows: 2, 'aria-label': `${title}: ids`, placeholder, disabled: !current }, current?.ids.join(', ') ?? '');
  mode.value = current?.mode ?? '';
  mode.addEventListener('change', () => {
    ids.disabled = mode.value === '';
  });
  const element = h('fieldset', { class: 'restriction' }, h('legend', {}, title), mode, ids);
  const read = (): RestrictionList | undefined =>
    mode.value ? { mode: mode.value as RestrictionList['mode'], ids: ids.value.split(/[\s,]+/).filter(Boolean) } : undefined;
  return { element, read };
}

/**
 * Create a server, or edit one (existing): name, description, mode, visibility, token lifetime and
 * restrictions. Saving an edit keeps the token; a new lifetime applies from the next token.
 */
export function openServerForm(options: { existing?: Server; onSaved: (server: Server) => void }) {
  const { existing } = options;
  const handle = openDialog(
    existing
      ? { title: 'Edit Server', description: `${existing.name}: changes apply to the next request; the MCP URL and its token stay the same`, wide: true }
      : { title: 'Create Server', description: 'A server is one MCP URL for an AI teammate, with its own token and restrictions', wide: true },
  );
  const name = field('Name', h('input', { type: 'text', required: true, maxlength: 100, value: existing?.name ?? '' }));
  const description = field('Description', h('textarea', { rows: 2, maxlength: 2000 }, existing?.description ?? ''));
  const days = field(
    'Token lifetime (days)',
    h('input', { type: 'number', min: 1, max: 365, value: String(existing?.tokenExpiresInDays ?? 90), required: true }),
    existing ? 'Applies to the next token (rotation); the current one keeps its expiry' : undefined,
  );
  const isPublic = h('input', { type: 'checkbox', checked: existing?.isPublic ?? false });
  const mode = field(
    'Mode',
    h(
      'select',
      {},
      h('option', { value: 'connectivity' }, 'Connectivity: the meta-tools (list_connectors … execute_action)'),
      h('option', { value: 'tools' }, "Tools: each allowed action as a tool (slack_chat_postMessage, a remote server's own tools)"),
    ),
    'What agents see on tools/list; every call runs durably either way',
  );
  mode.input.value = existing?.mode ?? 'connectivity';
  const current = existing?.restrictions ?? {};
  const restrictions = {
    connectors: restrictionField('Connectors', 'slack, github, mcp-my-server', current.connectors),
    actions: restrictionField('Actions', 'github:issues_create, chat_postMessage', current.actions),
    users: restrictionField('Users', 'user-1, user-2', current.users),
  };
  const formError = h('p', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, existing ? 'Save' : 'Create');
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        void save();
      },
    },
    name.element,
    description.element,
    mode.element,
    h('div', { class: 'two-columns' }, days.element, h('label', { class: 'checkbox' }, isPublic, ' Public (end users may name themselves with x-user-id)')),
    h('h3', {}, 'Restrictions'),
    h('div', { class: 'three-columns' }, restrictions.connectors.element, restrictions.actions.element, restrictions.users.element),
    formError,
    h('div', { class: 'dialog-actions' }, button('Cancel', () => handle.close()), submit),
  );

  async function save() {
    const trimmed = name.input.value.trim();
    name.setError(trimmed ? undefined : 'Name is required');
    const lifetime = Number(days.input.value);
    days.setError(Number.isInteger(lifetime) && lifetime >= 1 && lifetime <= 365 ? undefined : 'Enter a whole number from 1 to 365');
    const invalid = form.querySelector<HTMLElement>('[aria-invalid=true]');
    if (invalid) return invalid.focus();
    const chosen = Object.fromEntries(
      Object.entries(restrictions).flatMap(([key, restriction]) => {
        const value = restriction.read();
        return value ? [[key, value]] : [];
      }),
    );
    submit.disabled = true;
    try {
      const body = {
        name: trimmed,
        description: description.input.value,
        mode: mode.input.value,
        isPublic: isPublic.checked,
        tokenExpiresInDays: lifetime,
        restrictions: chosen,
      };
      const server = existing
        ? await api<Server>('PUT', `/api/servers/${encodeURIComponent(existing.serverId)}`, body)
        : await api<Server>('POST', '/api/servers', body);
      handle.close();
      options.onSaved(server);
      // Saved as asked, but an entry that names no connector matches nothing: say so after the save.
      if (server.warnings?.length) announce(server.warnings.join(' '), 'error');
    } catch (error) {
      formError.textContent = errorText(error);
      submit.disabled = false;
    }
  }

  fillDialog(handle, form);
}
