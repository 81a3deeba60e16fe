import { api, errorText, type ConnectorListing, type CredentialMetadata, type OAuthApp } from '../api.js';
import { announce, button, confirmDialog, copyText, field, fillDialog, formatDate, h, openDialog, pageHeader, replace, uniqueId } from '../dom.js';
import type { Page } from '../page.js';
import { connectorTabs } from './connectorTabs.js';

const lines = (text: string) => text.split(/[\s,]+/).map((line) => line.trim()).filter(Boolean);

/**
 * Create or replace a connector's OAuth app. The callback URL to register at the provider is
 * shown first: without it the provider refuses to send users back.
 */
async function openOAuthAppForm(options: { connectorId?: string; existing?: OAuthApp; oauthConnectors: ConnectorListing[]; onSaved: () => void }) {
  const { existing } = options;
  const handle = openDialog({ title: existing ? `OAuth app for ${existing.connectorId}` : 'Add OAuth app', wide: true, onClose: options.onSaved });
  const listId = uniqueId('oauth-connectors');
  const connector = field(
    'Connector',
    h('input', { type: 'text', name: 'connectorId', required: true, list: listId, value: existing?.connectorId ?? options.connectorId ?? '', readonly: existing !== undefined, autocomplete: 'off', spellcheck: false }),
  );
  const clientId = field('Client id', h('input', { type: 'text', name: 'clientId', required: true, value: existing?.clientId ?? '', autocomplete: 'off', spellcheck: false }));
  const clientSecret = field(
    'Client secret',
    h('input', { type: 'password', name: 'clientSecret', required: !existing, autocomplete: 'off', spellcheck: false }),
    existing ? `Stored: ${existing.clientSecretHint}. Leave empty to keep it.` : undefined,
  );
  const scopes = field('Scopes', h('input', { type: 'text', name: 'scopes', value: existing?.scopes.join(' ') ?? '', autocomplete: 'off', spellcheck: false }), "Space-separated; empty: the connector's defaults");
  const redirects = field(
    'Redirect URIs',
    h('textarea', { name: 'redirectUris', rows: 3, spellcheck: false }, existing?.redirectUris.join('\n') ?? ''),
    'Optional, one per line: where your own application may send users after authorizing (matched exactly)',
  );
  const callback = h('code', { class: 'break' }, existing?.callbackUrl ?? `${location.origin}/oauth/callback`);
  const failure = h('p', { class: 'error-text', role: 'alert', hidden: true });
  const submit = async (event: Event) => {
    event.preventDefault();
    failure.hidden = true;
    const id = connector.input.value.trim();
    connector.setError(id ? undefined : 'Choose a connector');
    clientId.setError(clientId.input.value.trim() ? undefined : 'Client id is required');
    clientSecret.setError(existing || clientSecret.input.value ? undefined : 'Client secret is required the first time');
    if (!id || !clientId.input.value.trim() || (!existing && !clientSecret.input.value)) return;
    try {
      const saved = await api<OAuthApp>('PUT', `/api/oauth-apps/${encodeURIComponent(id)}`, {
        clientId: clientId.input.value.trim(),
        ...(clientSecret.input.value ? { clientSecret: clientSecret.input.value } : {}),
        ...(lines(scopes.input.value).length ? { scopes: lines(scopes.input.value) } : {}),
        redirectUris: lines(redirects.input.value),
      });
      clientSecret.input.value = '';
      announce(`OAuth app for ${saved.connectorId} saved`);
      handle.close();
    } catch (error) {
      failure.textContent = errorText(error);
      failure.hidden = false;
    }
  };
  // The callback URL is the server's, not the browser's: ask the API once a connector is chosen.
  connector.input.addEventListener('change', () => {
    const id = connector.input.value.trim();
    if (!id) return;
    api<CredentialMetadata>('GET', `/api/credentials/metadata?connectorId=${encodeURIComponent(id)}`).then(
      (metadata) => {
        if (!metadata.oauthApp) return connector.setError(`${id} does not support OAuth`);
        connector.setError(undefined);
        callback.textContent = metadata.oauthApp.callbackUrl;
      },
      (error: unknown) => connector.setError(errorText(error)),
    );
  });
  fillDialog(
    handle,
    h(
      'div',
      { class: 'notice' },
      h('p', { class: 'copy-row' }, h('span', {}, 'Register this callback URL at the provider: '), button('Copy', () => void copyText(callback.textContent ?? '', 'Callback URL'), { ariaLabel: 'Copy callback URL' })),
      callback,
    ),
    h(
      'form',
      { novalidate: true, onsubmit: (event: Event) => void submit(event) },
      connector.element,
      h('datalist', { id: listId }, options.oauthConnectors.map((row) => h('option', { value: row.id }, row.name))),
      h('div', { class: 'two-columns' }, clientId.element, clientSecret.element),
      scopes.element,
      redirects.element,
      failure,
      h('div', { class: 'dialog-actions' }, button('Cancel', () => handle.close()), h('button', { type: 'submit', class: 'button primary' }, 'Save OAuth app')),
    ),
  );
  if (options.connectorId && !existing) connector.input.dispatchEvent(new Event('change'));
}

/** The account's OAuth apps, one per connector: client id, masked secret, scopes, redirect URIs. */
export const renderOAuthApps: Page = async (main, config, params) => {
  const [{ oauthApps }, { connectors }] = await Promise.all([
    api<{ oauthApps: OAuthApp[] }>('GET', '/api/oauth-apps'),
    api<{ connectors: ConnectorListing[] }>('GET', '/api/connectors'),
  ]);
  const reload = () => void renderOAuthApps(main, config, ['oauth-apps']).catch((error: unknown) => announce(errorText(error), 'error'));
  const oauthConnectors = connectors.filter((row) => row.authTypes.includes('oauth2'));
  const open = (connectorId?: string) => {
    const existing = oauthApps.find((app) => app.connectorId === connectorId);
    void openOAuthAppForm({ ...(connectorId ? { connectorId } : {}), ...(existing ? { existing } : {}), oauthConnectors, onSaved: reload });
  };
  const remove = async (app: OAuthApp) => {
    if (!(await confirmDialog('Delete OAuth app', `Delete the OAuth app for ${app.connectorId}? Users can no longer connect it over OAuth.`, 'Delete'))) return;
    await api('DELETE', `/api/oauth-apps/${encodeURIComponent(app.connectorId)}`).then(
      () => announce('OAuth app deleted'),
      (error: unknown) => announce(errorText(error), 'error'),
    );
    reload();
  };
  const rows = oauthApps.map((app) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row', class: 'truncate', title: app.connectorId }, app.connectorId),
      h('td', { class: 'truncate', title: app.clientId }, h('code', {}, app.clientId)),
      h('td', {}, h('code', {}, app.clientSecretHint)),
      h('td', { class: 'break' }, app.scopes.join(' ') || '—'),
      h('td', { class: 'break' }, app.redirectUris.join(', ') || '—'),
      h('td', {}, formatDate(app.updatedAt)),
      h(
        'td',
        { class: 'row-actions' },
        button('Edit', () => open(app.connectorId), { ariaLabel: `Edit OAuth app for ${app.connectorId}` }),
        button('Delete', () => void remove(app), { tone: 'danger', ariaLabel: `Delete OAuth app for ${app.connectorId}` }),
      ),
    ),
  );
  replace(
    main,
    h(
      'section',
      { class: 'card' },
      pageHeader('Connectors', 'OAuth apps: the client your account registered at each provider', button('Add OAuth app', () => open(), { tone: 'primary' })),
      connectorTabs('oauth-apps'),
      rows.length
        ? h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'table' },
              h('caption', { class: 'visually-hidden' }, 'OAuth apps'),
              h('thead', {}, h('tr', {}, ['Connector', 'Client id', 'Secret', 'Scopes', 'Redirect URIs', 'Updated'].map((title) => h('th', { scope: 'col' }, title)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
              h('tbody', {}, rows),
            ),
          )
        : h('p', { class: 'empty' }, 'No OAuth apps'),
    ),
  );
  // #/connectors/oauth-apps/<connectorId> opens the form for it (from a connector page or the credentials dialog).
  if (params[1]) {
    history.replaceState(null, '', '#/connectors/oauth-apps');
    open(params[1]);
  }
};
