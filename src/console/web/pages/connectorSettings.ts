import { api, errorText, type ConnectorDetail, type RateLimit } from '../api.js';
import { announce, confirmDialog, field, h } from '../dom.js';

/**
 * The account's settings for one connector: the switch, a base URL or its variables (for
 * self-hosted or regional APIs), and a rate limit below the connector's own.
 */
export function settingsForm(connector: ConnectorDetail, onSaved: () => void) {
  const { settings } = connector;
  const enabled = h('input', { type: 'checkbox', name: 'enabled', checked: settings.enabled });
  const baseUrl = field('Base URL', h('input', { type: 'url', name: 'baseUrl', value: settings.baseUrl ?? '', autocomplete: 'off' }), "Empty: the connector's own base URL");
  const variables = (connector.baseUrlVariables ?? []).map((variable) =>
    field(
      `Variable ${variable.name}`,
      h('input', { type: 'text', name: `var-${variable.name}`, value: settings.baseUrlVariables[variable.name] ?? '', placeholder: variable.default ?? '', autocomplete: 'off' }),
      variable.description,
    ),
  );
  // The connector's own limit: what an empty field goes back to (rateLimit is the account's when it set one).
  const own = connector.ownRateLimit ?? connector.rateLimit;
  const rate = field(
    'Requests per second',
    h('input', { type: 'number', name: 'requestsPerSecond', min: '0', step: 'any', value: settings.rateLimit?.requestsPerSecond ?? '', placeholder: String(own.requestsPerSecond) }),
    settings.rateLimit
      ? `This account's limit. Empty: the connector's own ${own.requestsPerSecond}/s`
      : `Empty: the connector's own ${own.requestsPerSecond}/s`,
  );
  const burst = field('Burst', h('input', { type: 'number', name: 'burst', min: '1', step: '1', value: settings.rateLimit?.burst ?? '', placeholder: String(own.burst ?? '') }), 'Requests allowed at once before the rate applies');

  const submit = async (event: Event) => {
    event.preventDefault();
    rate.setError(undefined);
    const perSecond = rate.input.value === '' ? undefined : Number(rate.input.value);
    if (perSecond !== undefined && !(perSecond > 0)) return rate.setError('Enter a number above 0, or leave empty');
    if (burst.input.value !== '' && perSecond === undefined) return rate.setError('Set requests per second with a burst');
    if (!enabled.checked && settings.enabled) {
      const sure = await confirmDialog('Disable connector', `Disable ${connector.name} for the whole account? Every user's credentials for it are revoked.`, 'Disable');
      if (!sure) return;
    }
    const rateLimit: RateLimit | null = perSecond === undefined ? null : { requestsPerSecond: perSecond, ...(burst.input.value ? { burst: Number(burst.input.value) } : {}) };
    try {
      await api('PUT', `/api/connectors/${encodeURIComponent(connector.id)}/settings`, {
        enabled: enabled.checked,
        baseUrl: baseUrl.input.value.trim() || null,
        baseUrlVariables: Object.fromEntries(
          (connector.baseUrlVariables ?? []).map((variable, index) => [variable.name, variables[index]!.input.value.trim()]).filter(([, value]) => value),
        ),
        rateLimit,
      });
      announce('Settings saved');
      onSaved();
    } catch (error) {
      announce(`Could not save settings: ${errorText(error)}`, 'error');
    }
  };
  return h(
    'form',
    { novalidate: true, 'aria-label': 'Settings', onsubmit: (event: Event) => void submit(event) },
    h('label', { class: 'checkbox' }, enabled, 'Enabled for this account'),
    baseUrl.element,
    variables.map((variable) => variable.element),
    h('div', { class: 'two-columns' }, rate.element, burst.element),
    h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Save settings')),
  );
}
