// Datadog API, https://docs.datadoghq.com/api/latest/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const def: ConnectorDefinitionInput = {
  id: 'datadog',
  name: 'Datadog',
  category: 'development',
  description: 'Monitoring: query metrics, search logs, post events, manage monitors, list dashboards and incidents via the Datadog API.',
  baseUrl: 'https://api.{site}',
  baseUrlVariables: [{ name: 'site', description: 'Your Datadog site: datadoghq.com, us3.datadoghq.com, us5.datadoghq.com, datadoghq.eu, ap1.datadoghq.com or ddog-gov.com.', default: 'datadoghq.com' }],
  authMethods: [
    {
      type: 'customHeaders',
      headers: [
        { name: 'DD-API-KEY', description: 'An API key (Organization settings > API keys).' },
        { name: 'DD-APPLICATION-KEY', description: 'An application key (Organization settings > Application keys); needed for reads.' },
      ],
    },
  ],
  resources: [
    { id: 'metrics', name: 'Metrics' },
    { id: 'logs', name: 'Logs' },
    { id: 'events', name: 'Events' },
    { id: 'monitors', name: 'Monitors' },
    { id: 'dashboards', name: 'Dashboards' },
    { id: 'incidents', name: 'Incidents' },
  ],
  actions: [
    action('metrics_query', 'metrics', 'GET', '/api/v1/query', 'Query timeseries points', [query('from', 'integer', 'Start, Unix seconds.', true), query('to', 'integer', 'End, Unix seconds.', true), query('query', 'string', 'e.g. avg:system.cpu.user{env:prod} by {host}.', true)], { response: { itemsPath: 'series', itemFields: ['metric', 'scope', 'pointlist', 'unit'], fields: ['status', 'series', 'from_date', 'to_date'] } }),
    action('logs_search', 'logs', 'POST', '/api/v2/logs/events/search', 'Search logs', [body('filter', 'object', '{"query":"service:web status:error","from":"now-15m","to":"now","indexes":["main"]}.', true), body('page', 'object', '{"limit":50,"cursor":"<meta.page.after>"}.'), body('sort', 'string', 'timestamp or -timestamp.')], { idempotent: true, pagination: { style: 'cursor', cursorPath: 'meta.page.after' }, response: { itemsPath: 'data', itemFields: ['id', 'attributes'] } }),
    action('event_create', 'events', 'POST', '/api/v1/events', 'Post an event', [body('title', 'string', 'Event title.', true), body('text', 'string', 'Event body (Markdown with %%% delimiters).', true), body('tags', 'array', 'e.g. ["env:prod"].'), body('alert_type', 'string', 'error, warning, info, success.'), body('aggregation_key', 'string', 'Groups related events.')], { response: { fields: ['status', 'event'] } }),
    action('monitors_list', 'monitors', 'GET', '/api/v1/monitor', 'List monitors', [query('name', 'string', 'Name filter.'), query('monitor_tags', 'string', 'Comma-separated tags.'), query('page', 'integer', 'Page (from 0).'), query('page_size', 'integer', 'Max 1000.')], { pagination: { style: 'page', pageParam: 'page', limitParam: 'page_size' }, response: { itemsPath: '', itemFields: ['id', 'name', 'type', 'overall_state', 'query', 'tags'] } }),
    action('monitor_get', 'monitors', 'GET', '/api/v1/monitor/{monitor_id}', 'Get a monitor', [pathParam('monitor_id', 'Monitor id.')], { response: { fields: ['id', 'name', 'type', 'query', 'message', 'overall_state', 'options', 'tags'] } }),
    action('monitor_create', 'monitors', 'POST', '/api/v1/monitor', 'Create a monitor', [body('name', 'string', 'Monitor name.', true), body('type', 'string', 'e.g. metric alert, log alert, service check.', true), body('query', 'string', 'e.g. avg(last_5m):avg:system.cpu.user{*} > 90.', true), body('message', 'string', 'Notification text with @-handles.'), body('tags', 'array', 'Tags.'), body('options', 'object', 'Thresholds and other options.')], { response: { fields: ['id', 'name', 'overall_state'] } }),
    // Datadog mutes monitors with downtimes; the old POST /api/v1/monitor/{id}/mute is gone from its API document.
    action('downtime_create', 'monitors', 'POST', '/api/v2/downtime', 'Mute monitors with a downtime', [body('data', 'object', 'JSON:API downtime: {"type":"downtime","attributes":{"scope":"env:prod","monitor_identifier":{"monitor_id":123},"schedule":{"end":"2024-01-02T03:04:05Z"},"message":"Deploying"}}.', true)], { response: { fields: ['data'] } }),
    action('dashboards_list', 'dashboards', 'GET', '/api/v1/dashboard', 'List dashboards', [query('filter[shared]', 'boolean', 'Only shared ones.')], { response: { itemsPath: 'dashboards', itemFields: ['id', 'title', 'url', 'author_handle', 'modified_at'] } }),
    action('incidents_list', 'incidents', 'GET', '/api/v2/incidents', 'List incidents', [query('page[size]', 'integer', 'Max 100.'), query('page[offset]', 'integer', 'Offset.')], { pagination: { style: 'offset', pageParam: 'page[offset]', limitParam: 'page[size]' }, response: { itemsPath: 'data', itemFields: ['id', 'attributes'] } }),
  ],
  rateLimit: { requestsPerSecond: 10, burst: 20, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetUnit: 'seconds-from-now' } },
  source: { kind: 'hand-written', spec: 'https://docs.datadoghq.com/api/latest/rate-limits/', version: 'v1/v2' },
};
export default def;
