import { api, errorText, type ConnectorListing, type Credential, type CredentialMetadata, type OAuthStart } from '../api.js';
import { announce, badge, button, field, fillDialog, h, openDialog, replace, uniqueId, type DialogHandle } from '../dom.js';

const KEY_TYPES = new Set(['apiKey', 'bearer', 'basic', 'customHeaders', 'apiKeys']);
const TYPE_LABELS: Record<string, string> = {
  apiKey: 'API key',
  bearer: 'Bearer token',
  basic: 'User name and password',
  customHeaders: 'Custom headers',
  apiKeys: 'Several keys together',
  oauth2: 'OAuth 2.0',
};
const POLL_MS = 1000;

/**
 * Connect a credential for any connector: pick the connector, then one of the ways
 * get_credential_metadata lists. Key-based types get a form with exactly the fields it names;
 * OAuth opens the provider's page and waits here for the callback to land.
 */
export async function openConnectDialog(options: { connectorId?: string; onDone: () => void }) {
  const handle = openDialog({ title: 'Connect credential', description: 'Secrets go straight to the API, are stored encrypted and are never shown again.', wide: true, onClose: options.onDone });
  let connectors: ConnectorListing[];
  try {
    ({ connectors } = await api<{ connectors: ConnectorListing[] }>('GET', '/api/connectors'));
  } catch (error) {
    return fillDialog(handle, h('p', { role: 'alert', class: 'error-text' }, errorText(error)));
  }
  const listId = uniqueId('connectors');
  const connector = field(
    'Connector',
    h('input', { type: 'text', name: 'connectorId', required: true, list: listId, autocomplete: 'off', spellcheck: false, value: options.connectorId ?? '' }),
    'Its id, e.g. slack; start typing to see the connectors this account can use.',
  );
  const choices = h('datalist', { id: listId }, connectors.filter((row) => row.enabled && !(row.authTypes.length === 1 && row.authTypes[0] === 'none')).map((row) => h('option', { value: row.id }, row.name)));
  const details = h('div', { class: 'connect-details' });
  const load = async () => {
    const id = connector.input.value.trim();
    connector.setError(undefined);
    if (!id) return connector.setError('Choose a connector');
    try {
      const metadata = await api<CredentialMetadata>('GET', `/api/credentials/metadata?connectorId=${encodeURIComponent(id)}`);
      renderMethods(handle, details, metadata);
    } catch (error) {
      replace(details);
      connector.setError(errorText(error));
    }
  };
  fillDialog(
    handle,
    h(
      'form',
      { novalidate: true, onsubmit: (event: Event) => (event.preventDefault(), void load()) },
      h('div', { class: 'inline-form' }, connector.element, h('button', { type: 'submit', class: 'button' }, 'Next')),
      choices,
    ),
    details,
  );
  if (options.connectorId) await load();
}

/** A variant's label: its type, and where it differs from its namesakes (Adafruit's header key vs query key). */
function variantLabel(type: CredentialMetadata['authenticationTypes'][number], types: CredentialMetadata['authenticationTypes']): string {
  const label = TYPE_LABELS[type.type] ?? type.type;
  if (types.filter((other) => other.type === type.type).length < 2) return label;
  const where = type.requiredFields?.map((spec) => spec.description).join('; ');
  return `${label} · ${type.variant}${where ? ` (${where})` : ''}${type.default ? ' · default' : ''}`;
}

function renderMethods(handle: DialogHandle, details: HTMLElement, metadata: CredentialMetadata) {
  const types = metadata.authenticationTypes.filter((type) => type.type !== 'none');
  if (types.length === 0) return replace(details, h('p', { role: 'status' }, `${metadata.connectorId} needs no credential.`));
  const method = field('Authentication', h('select', { name: 'variant' }, types.map((type) => h('option', { value: type.variant }, variantLabel(type, types)))));
  const form = h('div');
  const show = () => {
    const type = types.find((candidate) => candidate.variant === method.input.value)!;
    replace(form, KEY_TYPES.has(type.type) ? keyForm(handle, metadata.connectorId, type) : oauthForm(handle, metadata));
  };
  method.input.addEventListener('change', show);
  replace(details, types.length > 1 ? method.element : h('p', {}, 'Authentication: ', h('strong', {}, variantLabel(types[0]!, types))), form);
  method.input.value = types[0]!.variant;
  show();
}

function keyForm(handle: DialogHandle, connectorId: string, type: CredentialMetadata['authenticationTypes'][number]) {
  const inputs = (type.requiredFields ?? []).map((spec) =>
    field(spec.name, h('input', { type: 'password', name: spec.name, required: true, autocomplete: 'off', spellcheck: false }), spec.description),
  );
  const name = field('Name', h('input', { type: 'text', name: 'name', maxlength: 100, autocomplete: 'off' }), 'Optional: a label to tell credentials apart');
  const failure = h('p', { class: 'field-error', role: 'alert' });
  const submit = async (event: Event) => {
    event.preventDefault();
    let valid = true;
    for (const input of inputs) {
      input.setError(input.input.value ? undefined : `${input.input.name} is required`);
      valid &&= Boolean(input.input.value);
    }
    if (!valid) return;
    try {
      await api('POST', '/api/credentials', {
        connectorId,
        authenticationType: type.type,
        variant: type.variant,
        fields: Object.fromEntries(inputs.map((input) => [input.input.name, input.input.value])),
        ...(name.input.value.trim() ? { name: name.input.value.trim() } : {}),
      });
      for (const input of inputs) input.input.value = '';
      announce('Credential saved');
      handle.close();
    } catch (error) {
      failure.textContent = errorText(error);
    }
  };
  return h(
    'form',
    { novalidate: true, onsubmit: (event: Event) => void submit(event) },
    inputs.map((input) => input.element),
    name.element,
    failure,
    h('div', { class: 'dialog-actions' }, button('Cancel', () => handle.close()), h('button', { type: 'submit', class: 'button primary' }, 'Save credential')),
  );
}

function oauthForm(handle: DialogHandle, metadata: CredentialMetadata) {
  if (!metadata.oauthApp?.configured) {
    return h(
      'p',
      { class: 'notice', role: 'status' },
      `No OAuth app is set up for ${metadata.connectorId} yet. An administrator adds one under `,
      h('a', { href: `#/connectors/oauth-apps/${encodeURIComponent(metadata.connectorId)}`, onclick: () => handle.close() }, 'Connectors → OAuth apps'),
      '.',
    );
  }
  const name = field('Name', h('input', { type: 'text', name: 'name', maxlength: 100, autocomplete: 'off' }), 'Optional: a label to tell credentials apart');
  const failure = h('p', { class: 'field-error', role: 'alert' });
  const start = async () => {
    try {
      const started = await api<OAuthStart>('POST', '/api/credentials', {
        connectorId: metadata.connectorId,
        authenticationType: 'oauth2',
        ...(name.input.value.trim() ? { name: name.input.value.trim() } : {}),
      });
      awaitAuthorization(handle, metadata.connectorId, started, (credential) => credential.status !== 'pending');
    } catch (error) {
      failure.textContent = errorText(error);
    }
  };
  return h(
    'div',
    {},
    h('p', {}, 'Authorize opens the provider in a new tab. Come back here: this window shows the result as soon as the provider sends you back.'),
    name.element,
    failure,
    h('div', { class: 'dialog-actions' }, button('Cancel', () => handle.close()), button('Authorize', () => void start(), { tone: 'primary' })),
  );
}

/**
 * Opens the provider's page and polls the credential until the callback has landed (done says
 * when), then shows the outcome. Polling stops when the dialog closes.
 */
export function awaitAuthorization(handle: DialogHandle, connectorId: string, started: OAuthStart, done: (credential: Credential) => boolean) {
  window.open(started.authorizationUrl, '_blank', 'noopener');
  const status = h('div', { role: 'status', class: 'oauth-status' }, badge('waiting', 'warning'), ' Waiting for the provider to send you back…');
  fillDialog(
    handle,
    h('p', {}, 'The authorization page opened in a new tab. If it did not, ', h('a', { href: started.authorizationUrl, target: '_blank', rel: 'noopener noreferrer', class: 'break' }, 'open it here'), '.'),
    h('p', { class: 'muted small' }, `Credential ${started.credentialId} · link valid until ${new Date(started.expiresAt).toLocaleTimeString()}`),
    status,
    h('div', { class: 'dialog-actions' }, button('Close', () => handle.close())),
  );
  let timer = 0;
  const poll = async () => {
    if (!handle.dialog.isConnected) return;
    try {
      const { credentials } = await api<{ credentials: Credential[] }>('GET', `/api/credentials?connectorId=${encodeURIComponent(connectorId)}`);
      const credential = credentials.find((row) => row.credentialId === started.credentialId);
      if (!credential) return replace(status, badge('deleted', 'danger'), ' The credential was deleted.');
      if (done(credential)) {
        if (credential.status === 'active') return replace(status, badge('active', 'success'), ` Connected: ${connectorId} is ready to use.`);
        return replace(status, badge(credential.status, 'danger'), ` Authorization failed${credential.statusReason ? `: ${credential.statusReason}` : ''}.`);
      }
      if (Date.parse(started.expiresAt) < Date.now()) return replace(status, badge('expired', 'danger'), ' The authorization link expired. Start again.');
    } catch (error) {
      replace(status, badge('error', 'danger'), ` ${errorText(error)}`);
    }
    timer = window.setTimeout(() => void poll(), POLL_MS);
  };
  handle.dialog.addEventListener('close', () => window.clearTimeout(timer));
  timer = window.setTimeout(() => void poll(), POLL_MS);
}
