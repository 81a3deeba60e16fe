// Mixpanel Query API and Annotations API, https://developer.mixpanel.com/reference/overview
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const project = query('project_id', 'integer', 'Project id (Project Settings).', true);
const projectPath = { ...pathParam('projectId', 'Project id (Project Settings).'), type: 'integer' as const };
const from = query('from_date', 'string', 'First day, yyyy-mm-dd (inclusive).', true);
const to = query('to_date', 'string', 'Last day, yyyy-mm-dd (inclusive).', true);
const where = query('where', 'string', 'Filter expression, e.g. properties["$os"]=="Linux".');
const unit = query('unit', 'string', 'minute, hour, day, week or month.');
const def: ConnectorDefinitionInput = {
  id: 'mixpanel',
  name: 'Mixpanel',
  category: 'analytics',
  description: 'Product analytics: event counts and trends, segmentation, funnels, retention, saved Insights reports, user profiles and annotations via the Mixpanel Query and Annotations APIs.',
  baseUrl: 'https://{regionAndDomain}.com/api',
  baseUrlVariables: [{ name: 'regionAndDomain', description: 'mixpanel (US), eu.mixpanel (EU residency) or in.mixpanel (India residency).', default: 'mixpanel' }],
  // A service account's user name and secret (Organization Settings → Service Accounts) as Basic auth.
  authMethods: [{ type: 'basic' }],
  resources: [
    { id: 'events', name: 'Events' },
    { id: 'reports', name: 'Reports', description: 'Segmentation, funnels, retention and saved Insights.' },
    { id: 'profiles', name: 'User profiles' },
    { id: 'annotations', name: 'Annotations' },
  ],
  actions: [
    action('events_top', 'events', 'GET', '/query/events/top', 'List today\'s top events', [project, { ...query('type', 'string', 'general, unique or average.', true), enum: ['general', 'unique', 'average'] }, query('limit', 'integer', 'Max 100.')], { response: { fields: ['events', 'type'] } }),
    action('event_names', 'events', 'GET', '/query/events/names', 'List the most common event names of the last 31 days', [project, { ...query('type', 'string', 'general, unique or average.', true), enum: ['general', 'unique', 'average'] }, query('limit', 'integer', 'Max 255.')], { response: {} }),
    action('events_counts', 'events', 'GET', '/query/events', 'Count events over time', [
      project,
      query('event', 'string', 'Events as a JSON array, e.g. ["Signed up","Purchased"].', true),
      { ...query('type', 'string', 'general, unique or average.', true), enum: ['general', 'unique', 'average'] },
      { ...query('unit', 'string', 'minute, hour, day, week or month.', true), enum: ['minute', 'hour', 'day', 'week', 'month'] },
      from,
      to,
    ], { response: { fields: ['data', 'legend_size'] } }),
    action('segmentation', 'reports', 'GET', '/query/segmentation', 'Segment an event by a property over time', [
      project,
      query('event', 'string', 'The event name.', true),
      from,
      to,
      query('on', 'string', 'Property expression to segment by, e.g. properties["country"].'),
      unit,
      where,
      query('limit', 'integer', 'Max property values (default 60).'),
      { ...query('type', 'string', 'general, unique or average.'), enum: ['general', 'unique', 'average'] },
    ], { response: { fields: ['data', 'legend_size'] } }),
    action('funnels_list', 'reports', 'GET', '/query/funnels/list', 'List saved funnels', [project], { response: { itemsPath: '', itemFields: ['funnel_id', 'name'] } }),
    action('funnel_get', 'reports', 'GET', '/query/funnels', 'Get a saved funnel\'s conversion', [project, query('funnel_id', 'integer', 'Funnel id (see funnels_list).', true), from, to, unit, query('on', 'string', 'Property expression to segment by.'), where], { response: { fields: ['meta', 'data'] } }),
    action('retention', 'reports', 'GET', '/query/retention', 'Get cohort retention', [project, from, to, query('born_event', 'string', 'The first event a user must do (birth retention).'), query('event', 'string', 'The returning event (all events when unset).'), unit, where], { response: {} }),
    action('insights_report', 'reports', 'GET', '/query/insights', 'Get a saved Insights report', [project, query('bookmark_id', 'integer', 'The report\'s id (in its URL).', true)], { response: { fields: ['computed_at', 'date_range', 'headers', 'series'] } }),
    action('profiles_query', 'profiles', 'POST', '/query/engage', 'Query user profiles', [
      project,
      body('distinct_id', 'string', 'One profile by distinct id.'),
      body('where', 'string', 'Filter expression, e.g. properties["plan"]=="pro".'),
      body('output_properties', 'string', 'JSON array of properties to return, e.g. ["$email","plan"].'),
      body('session_id', 'string', 'From the previous page\'s answer.'),
      body('page', 'integer', 'Page number (from 0), with session_id.'),
    ], { bodyEncoding: 'form', idempotent: true, response: { itemsPath: 'results', itemFields: ['$distinct_id', '$properties'], fields: ['results', 'page', 'page_size', 'session_id', 'total'] } }),
    action('annotations_list', 'annotations', 'GET', '/app/projects/{projectId}/annotations', 'List annotations', [projectPath, query('fromDate', 'string', 'yyyy-mm-dd.'), query('toDate', 'string', 'yyyy-mm-dd.')], { response: { itemsPath: 'results', itemFields: ['id', 'date', 'description', 'user', 'tags'] } }),
    action('annotation_create', 'annotations', 'POST', '/app/projects/{projectId}/annotations', 'Create an annotation', [projectPath, body('date', 'string', 'When, yyyy-mm-dd hh:mm:ss.', true), body('description', 'string', 'What happened (a release, a campaign…).', true)], { response: { fields: ['results', 'status'] } }),
  ],
  // The Query API allows 60 queries an hour and 5 at a time.
  rateLimit: { requestsPerSecond: 1, burst: 5, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://developer.mixpanel.com/reference/overview', version: '2.0' },
};
export default def;
