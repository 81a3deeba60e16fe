import { approveCallTool, denyCallTool, listApprovalsTool } from './approvals.js';
import { getAccountConnectorTool, listAccountConnectorsTool, setConnectorSettingsTool } from './connectors.js';
import type { AdminToolDefinition } from './define.js';
import {
  createRemoteMcpConnectorTool,
  getRemoteMcpConnectorTool,
  installFromRegistryTool,
  listRemoteMcpConnectorsTool,
  listPredefinedEntriesTool,
  searchRegistryTool,
  testRemoteMcpConnectorTool,
  updateRemoteMcpConnectorTool,
} from './remoteMcp.js';
import { getPluginTool, listPluginsTool, testPluginTool, uploadPluginTool } from './plugins.js';
import { getRunTool, listRunsTool } from './runs.js';
import { assignConnectorTool, listServerConnectorsTool, listServersTool, unassignConnectorTool } from './servers.js';

/**
 * The management tools an admin server offers besides the usual ones. Deletions stay with people
 * (REST and the console): none is offered here.
 */
export const adminTools: readonly AdminToolDefinition[] = [
  listServersTool,
  listServerConnectorsTool,
  assignConnectorTool,
  unassignConnectorTool,
  listRemoteMcpConnectorsTool,
  listPredefinedEntriesTool,
  getRemoteMcpConnectorTool,
  createRemoteMcpConnectorTool,
  updateRemoteMcpConnectorTool,
  testRemoteMcpConnectorTool,
  searchRegistryTool,
  installFromRegistryTool,
  listPluginsTool,
  getPluginTool,
  uploadPluginTool,
  testPluginTool,
  listAccountConnectorsTool,
  getAccountConnectorTool,
  setConnectorSettingsTool,
  listRunsTool,
  getRunTool,
  listApprovalsTool,
  approveCallTool,
  denyCallTool,
];
