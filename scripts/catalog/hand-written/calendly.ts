// Calendly API v2, https://developer.calendly.com/api-docs
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const cursor = { style: 'cursor', cursorParam: 'page_token', cursorPath: 'pagination.next_page_token', limitParam: 'count' } as const;
const page = [query('count', 'integer', 'Max 100.'), query('page_token', 'string', 'From pagination.next_page_token.')];
const scope = [query('user', 'string', 'User URI (from users_me resource.uri); user or organization is required.'), query('organization', 'string', 'Organization URI.')];
const def: ConnectorDefinitionInput = {
  id: 'calendly',
  name: 'Calendly',
  category: 'productivity',
  description: 'Scheduling: event types, scheduled events, invitees, single-use scheduling links and cancellations via the Calendly API v2.',
  baseUrl: 'https://api.calendly.com',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://auth.calendly.com/oauth/authorize',
      tokenUrl: 'https://auth.calendly.com/oauth/token',
      revocationUrl: 'https://auth.calendly.com/oauth/revoke',
      // Calendly grants the whole API to the authorizing user; it has no scopes.
      scopes: [],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: true,
    },
    { type: 'bearer' },
  ],
  resources: [
    { id: 'users', name: 'Users' },
    { id: 'event-types', name: 'Event types' },
    { id: 'events', name: 'Scheduled events' },
    { id: 'scheduling-links', name: 'Scheduling links' },
  ],
  actions: [
    action('users_me', 'users', 'GET', '/users/me', 'Show the authenticated user (and their URI)', [], { response: { fields: ['resource'] } }),
    action('event_types_list', 'event-types', 'GET', '/event_types', 'List event types', [...scope, ...page, query('active', 'boolean', 'Only active ones.')], { pagination: cursor, response: { itemsPath: 'collection', itemFields: ['uri', 'name', 'slug', 'duration', 'active', 'scheduling_url'] } }),
    action('scheduled_events_list', 'events', 'GET', '/scheduled_events', 'List scheduled events', [...scope, ...page, query('min_start_time', 'string', 'ISO 8601 time.'), query('max_start_time', 'string', 'ISO 8601 time.'), query('status', 'string', 'active or canceled.'), query('invitee_email', 'string', 'Only events with this invitee.')], { pagination: cursor, response: { itemsPath: 'collection', itemFields: ['uri', 'name', 'status', 'start_time', 'end_time', 'location'] } }),
    action('scheduled_event_get', 'events', 'GET', '/scheduled_events/{uuid}', 'Get a scheduled event', [pathParam('uuid', 'Event UUID (last segment of its URI).')], { response: { fields: ['resource'] } }),
    action('event_invitees_list', 'events', 'GET', '/scheduled_events/{uuid}/invitees', 'List invitees of an event', [pathParam('uuid', 'Event UUID.'), ...page, query('email', 'string', 'Only this invitee.')], { pagination: cursor, response: { itemsPath: 'collection', itemFields: ['uri', 'name', 'email', 'status', 'questions_and_answers'] } }),
    action('scheduled_event_cancel', 'events', 'POST', '/scheduled_events/{uuid}/cancellation', 'Cancel a scheduled event', [pathParam('uuid', 'Event UUID.'), body('reason', 'string', 'Shown to invitees.')], { response: { fields: ['resource'] } }),
    action('scheduling_link_create', 'scheduling-links', 'POST', '/scheduling_links', 'Create a single-use scheduling link', [body('owner', 'string', 'Event type URI.', true), body('owner_type', 'string', 'EventType.', true, { enum: ['EventType'] }), body('max_event_count', 'integer', 'Bookings allowed (1).', true)], { response: { fields: ['resource'] } }),
  ],
  rateLimit: { requestsPerSecond: 10, burst: 20, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetUnit: 'seconds-from-now' } },
  source: { kind: 'hand-written', spec: 'https://developer.calendly.com/api-docs', version: 'v2' },
};
export default def;
