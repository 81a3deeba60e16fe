import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { searchActions } from '../../connectors/search.js';
import { describeTools } from './server.js';
import { defineTool, type ToolDefinition } from './tool.js';

/**
 * Progressive discovery for a tools-mode server offering more tools than TOOLS_MODE_MAX_TOOLS
 * (clients such as VS Code stop at 128): tools/list shows the first of them and search_tools,
 * which finds the others by words; every tool stays callable by its name.
 */

const SEARCH_TOOLS_NAME = 'search_tools';
const DEFAULT_MATCHES = 20;

const searchToolsInput = z
  .object({
    query: z.string().trim().min(1).max(200).describe('Words to find in tool names, titles and descriptions, e.g. "send message" or "slack channel"'),
    limit: z.number().int().min(1).max(50).optional().describe(`Matches to return (default ${DEFAULT_MATCHES})`),
  })
  .strict();

/** A tool as search sees it: described in full (its JSON Schema built) only when found or listed. */
export interface OfferedTool {
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  describe(): Tool;
}

/**
 * Tools ranked by the catalogue's search (src/connectors/search.ts: BM25 over name words, title and
 * description, with prefix and fuzzy terms), best first; ties by name.
 */
function searchTools(described: readonly OfferedTool[], query: string, limit: number): Tool[] {
  const byName = new Map(described.map((tool) => [tool.name, tool]));
  const scores = searchActions(
    described.map((tool) => ({ id: tool.name, title: tool.title ?? '', resource: '', description: tool.description ?? '' })),
    query,
  );
  return [...scores]
    .sort(([nameA, scoreA], [nameB, scoreB]) => scoreB - scoreA || nameA.localeCompare(nameB))
    .slice(0, limit)
    .map(([name]) => byName.get(name)!.describe());
}

export function searchToolsTool(described: readonly OfferedTool[]): ToolDefinition {
  return defineTool({
    name: SEARCH_TOOLS_NAME,
    title: 'Search tools',
    description:
      `This server offers ${described.length} tools, more than are listed. Finds tools by words (e.g. "send message", "create issue") ` +
      'and returns each with its name, description and input schema; call a tool found here by its name like any listed tool.',
    input: searchToolsInput,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run({ query, limit }) {
      const found = searchTools(described, query, limit ?? DEFAULT_MATCHES);
      return { tools: found, count: found.length, total: described.length };
    },
  });
}

/** tools/list: every tool, or past the cap the first cap-1 tools, then search_tools. */
export function listed(offered: readonly OfferedTool[], cap: number): Tool[] {
  if (offered.length <= cap) return offered.map((tool) => tool.describe());
  return [...offered.slice(0, cap - 1).map((tool) => tool.describe()), ...describeTools([searchToolsTool(offered)])];
}
