import type { ToolDefinition } from '../tool.js';
import { adminTools } from './admin/index.js';
import { getActionDetailsTool, getConnectorResourcesTool, listConnectorsTool } from './catalog.js';
import { createCredentialTool, getCredentialMetadataTool, getCredentialsTool } from './credentials.js';
import { discoverActionPathTool, executeActionTool } from './execute.js';
import { executePlanTool } from './plans.js';

/** Every tool every server offers, in the order clients list them. */
export const allTools: readonly ToolDefinition[] = [
  listConnectorsTool,
  getConnectorResourcesTool,
  getActionDetailsTool,
  executeActionTool,
  discoverActionPathTool,
  executePlanTool,
  getCredentialMetadataTool,
  createCredentialTool,
  getCredentialsTool,
];

/** What a server flagged admin offers: every tool above, then the management tools. */
export const adminServerTools: readonly ToolDefinition[] = [...allTools, ...adminTools];
