import type { ToolDefinition } from '../tool.js';
import { getActionDetailsTool, getConnectorResourcesTool, listConnectorsTool } from './catalog.js';

/** Every tool the MCP endpoint offers, in the order clients list them. */
export const allTools: readonly ToolDefinition[] = [listConnectorsTool, getConnectorResourcesTool, getActionDetailsTool];
