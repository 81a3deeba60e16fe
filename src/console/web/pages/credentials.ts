import { api, errorText, type Credential, type OAuthStart } from '../api.js';
import { announce, badge, button, confirmDialog, fillDialog, formatDate, h, openDialog, pageHeader, replace } from '../dom.js';
import type { Page } from '../page.js';
import { awaitAuthorization, openConnectDialog } from './credentialConnect.js';

const STATUS_TONE: Record<string, 'success' | 'warning' | 'danger' | 'neutral'> = {
  active: 'success',
  pending: 'warning',
  needs_reauth: 'danger',
  failed: 'danger',
  revoked: 'neutral',
};

/**
 * Hints are already masked by the API: the last 6 characters, or a bare "…" for a value under
 * 16 characters (src/credentials/masking.ts), which says only that the field is set.
 */
const hintText = (hints: Record<string, string>) =>
  Object.entries(hints)
    .map(([name, hint]) => (hint === '…' ? `${name}: set (too short to hint)` : `${name} ${hint}`))
    .join(', ') || '—';

/** Re-authorizing keeps the credential's id: servers and runs that name it work again once the user is back. */
async function reauthorize(credential: Credential, reload: () => void) {
  const handle = openDialog({ title: `Re-authorize ${credential.connectorId}`, wide: true, onClose: reload });
  try {
    const started = await api<OAuthStart>('POST', `/api/credentials/${encodeURIComponent(credential.credentialId)}/reauthorize`);
    awaitAuthorization(handle, credential.connectorId, started, (row) =>
      // An active credential was active before too: done when its tokens changed.
      row.status === 'active' && (credential.status !== 'active' || row.expiresAt !== credential.expiresAt),
    );
  } catch (error) {
    fillDialog(handle, h('p', { role: 'alert', class: 'error-text' }, `Could not start OAuth: ${errorText(error)}`));
  }
}

/** The signed-in user's credentials, per connector: status, masked hints, reconnect and delete. */
export const renderCredentials: Page = async (main, config, params) => {
  const { credentials } = await api<{ credentials: Credential[] }>('GET', '/api/credentials');
  const reload = () => void renderCredentials(main, config, []).catch((error: unknown) => announce(errorText(error), 'error'));
  const remove = async (credential: Credential) => {
    const label = credential.name ?? credential.credentialId;
    if (!(await confirmDialog('Delete credential', `Delete "${label}" for ${credential.connectorId}? OAuth tokens are revoked at the provider.`, 'Delete'))) return;
    await api('DELETE', `/api/credentials/${encodeURIComponent(credential.credentialId)}`).then(
      () => announce('Credential deleted'),
      (error: unknown) => announce(errorText(error), 'error'),
    );
    reload();
  };
  const sorted = [...credentials].sort((a, b) => a.connectorId.localeCompare(b.connectorId) || b.createdAt.localeCompare(a.createdAt));
  const rows = sorted.map((credential) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row', class: 'truncate', title: credential.connectorId }, credential.connectorId),
      h(
        'td',
        {},
        badge(credential.status, STATUS_TONE[credential.status] ?? 'neutral'),
        credential.statusReason ? h('div', { class: 'muted small break status-reason' }, credential.statusReason) : null,
      ),
      h('td', { class: 'truncate', title: credential.name ?? credential.credentialId }, credential.name ?? h('span', { class: 'muted' }, credential.credentialId)),
      h('td', {}, credential.authenticationType, credential.variant && credential.variant !== credential.authenticationType ? h('span', { class: 'muted small' }, ` · ${credential.variant}`) : ''),
      h('td', {}, h('code', {}, hintText(credential.hints))),
      h('td', {}, formatDate(credential.expiresAt)),
      h('td', {}, formatDate(credential.createdAt)),
      h(
        'td',
        { class: 'row-actions' },
        credential.authenticationType === 'oauth2'
          ? button(credential.status === 'pending' ? 'Authorize' : 'Re-authorize', () => void reauthorize(credential, reload), {
              ariaLabel: `Re-authorize ${credential.name ?? credential.credentialId}`,
            })
          : null,
        button('Delete', () => void remove(credential), { tone: 'danger', ariaLabel: `Delete credential ${credential.name ?? credential.credentialId}` }),
      ),
    ),
  );
  replace(
    main,
    h(
      'section',
      { class: 'card' },
      pageHeader(
        'Credentials',
        'Your connections to SaaS APIs, per connector. Secrets are never shown: at most their last 6 characters.',
        button('Connect', () => void openConnectDialog({ onDone: reload }), { tone: 'primary', ariaLabel: 'Connect credential' }),
      ),
      rows.length
        ? h('div', { class: 'table-scroll' }, h(
            'table',
            { class: 'table' },
            h('thead', {}, h('tr', {}, ...['Connector', 'Status', 'Name', 'Type', 'Secret', 'Expires', 'Created'].map((title) => h('th', { scope: 'col' }, title)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
            h('tbody', {}, rows),
          ))
        : h('p', { class: 'empty' }, 'No credentials'),
    ),
  );
  // #/credentials/connect/<connectorId> (from a connector's warning) opens the form for it; the hash is reset so a reload does not reopen it.
  if (params[0] === 'connect') {
    history.replaceState(null, '', '#/credentials');
    void openConnectDialog({ ...(params[1] ? { connectorId: params[1] } : {}), onDone: reload });
  }
};
