import { z } from 'zod';
import { getRun, listRuns } from '../../../../starters/runs.js';
import { listRunsQuery } from '../../../../runs/schemas.js';
import { adminTool, readOnlyTool } from './define.js';

export const listRunsTool = adminTool({
  name: 'list_runs',
  title: 'List runs',
  description:
    'Lists action and plan runs, newest first: filter by connectorId, actionId, serverId, userId, kind, status and start ' +
    'time; page with pageSize and pageToken. Administrators see every user of the account.',
  mirrors: { method: 'get', path: '/api/runs', access: 'user' },
  input: listRunsQuery,
  annotations: readOnlyTool,
  run: (query, { deps, auth }) => listRuns(deps, auth, query),
});

export const getRunTool = adminTool({
  name: 'get_run',
  title: 'Get a run',
  description: "Reads one run by its runId: status, input, a plan's steps, the result or error once it ended, and its timeline.",
  mirrors: { method: 'get', path: '/api/runs/:id', access: 'user' },
  input: z.object({ id: z.string().min(1).max(500).describe('The runId from list_runs or execute_action') }).strict(),
  annotations: readOnlyTool,
  run: ({ id }, { deps, auth }) => getRun(deps, auth, id),
});
