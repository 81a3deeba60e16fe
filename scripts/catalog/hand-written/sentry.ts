// Sentry Web API, https://docs.sentry.io/api/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const link = { style: 'link' } as const;
const org = pathParam('organization_id_or_slug', 'Organization slug.');
const issueFields = ['id', 'shortId', 'title', 'culprit', 'level', 'status', 'count', 'userCount', 'lastSeen', 'permalink', 'project'];
const def: ConnectorDefinitionInput = {
  id: 'sentry',
  name: 'Sentry',
  category: 'development',
  description: 'Error monitoring: organizations, projects, issues, events and issue triage via the Sentry Web API.',
  baseUrl: 'https://{region}.sentry.io/api/0',
  baseUrlVariables: [{ name: 'region', description: 'Data-storage region of the organization: us or de.', default: 'us' }],
  authMethods: [{ type: 'bearer' }],
  resources: [
    { id: 'organizations', name: 'Organizations' },
    { id: 'projects', name: 'Projects' },
    { id: 'issues', name: 'Issues' },
  ],
  actions: [
    action('organizations_list', 'organizations', 'GET', '/organizations/', 'List organizations', [query('cursor', 'string', 'Cursor from the Link header.')], { pagination: link, response: { itemsPath: '', itemFields: ['id', 'slug', 'name', 'dateCreated'] } }),
    action('projects_list', 'projects', 'GET', '/organizations/{organization_id_or_slug}/projects/', 'List projects of an organization', [org, query('cursor', 'string', 'Cursor from the Link header.')], { pagination: link, response: { itemsPath: '', itemFields: ['id', 'slug', 'name', 'platform', 'dateCreated'] } }),
    action('issues_list', 'issues', 'GET', '/organizations/{organization_id_or_slug}/issues/', 'List or search issues', [org, query('query', 'string', 'Sentry search, e.g. is:unresolved level:error (default is:unresolved).'), query('project', 'array', 'Project ids.'), query('statsPeriod', 'string', 'e.g. 24h, 14d.'), query('sort', 'string', 'date, new, freq, user.'), query('limit', 'integer', 'Max 100.'), query('cursor', 'string', 'Cursor from the Link header.')], { pagination: { style: 'link', limitParam: 'limit' }, response: { itemsPath: '', itemFields: issueFields } }),
    action('issue_get', 'issues', 'GET', '/organizations/{organization_id_or_slug}/issues/{issue_id}/', 'Get an issue', [org, pathParam('issue_id', 'Issue id.')], { response: { fields: ['id', 'shortId', 'title', 'culprit', 'status', 'level', 'count', 'firstSeen', 'lastSeen', 'assignedTo', 'permalink'] } }),
    action('issue_update', 'issues', 'PUT', '/organizations/{organization_id_or_slug}/issues/{issue_id}/', 'Resolve, ignore or assign an issue', [org, pathParam('issue_id', 'Issue id.'), body('status', 'string', 'resolved, resolvedInNextRelease, unresolved or ignored.'), body('assignedTo', 'string', 'Username, "team:<id>" or empty to unassign.'), body('hasSeen', 'boolean', 'Mark as seen.'), body('isBookmarked', 'boolean', 'Bookmark.')], { response: { fields: ['id', 'status', 'assignedTo'] } }),
    action('issue_events_list', 'issues', 'GET', '/organizations/{organization_id_or_slug}/issues/{issue_id}/events/', 'List events of an issue', [org, pathParam('issue_id', 'Issue id.'), query('full', 'boolean', 'Include stack traces.'), query('cursor', 'string', 'Cursor from the Link header.')], { pagination: link, response: { itemsPath: '', itemFields: ['eventID', 'dateCreated', 'message', 'tags', 'user'] } }),
    action('issue_latest_event', 'issues', 'GET', '/organizations/{organization_id_or_slug}/issues/{issue_id}/events/latest/', 'Get the latest event of an issue (with stack trace)', [org, pathParam('issue_id', 'Issue id.')], { response: { fields: ['eventID', 'dateCreated', 'message', 'entries', 'tags', 'contexts'] } }),
  ],
  rateLimit: { requestsPerSecond: 5, burst: 20, headers: { retryAfter: 'retry-after', remaining: 'x-sentry-rate-limit-remaining', reset: 'x-sentry-rate-limit-reset', resetUnit: 'epoch-seconds' } },
  source: { kind: 'hand-written', spec: 'https://docs.sentry.io/api/ratelimits/', version: '0' },
};
export default def;
