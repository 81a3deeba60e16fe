import type { Role } from '../config.js';
import type { RunningSwitchboard } from './start.js';

/** Copy-paste lines for the clients people try first, each taking the access URL as printed. */
function clientLines(accessUrl: string): string[] {
  return [
    `    Claude Code:    claude mcp add --transport http switchboard ${accessUrl}`,
    `    Cursor:         in ~/.cursor/mcp.json: {"mcpServers": {"switchboard": {"url": "${accessUrl}"}}}`,
    // The Inspector's CLI rewrites any URL not ending in /mcp to <origin>/mcp; we serve the access URL + /mcp.
    `    MCP Inspector:  npx @modelcontextprotocol/inspector@0.15.0 --cli ${accessUrl}/mcp --method tools/list`,
  ];
}

/**
 * What a start prints once it is ready: where everything is and, for `npm start`, a working MCP
 * URL with the lines that connect a client to it. Printed, never logged: it carries secrets.
 */
export function readyBanner(role: Role, seconds: string, app: Pick<RunningSwitchboard, 'apiUrl' | 'temporalUiUrl' | 'generatedApiKey' | 'startServer'>, namespace: string): string {
  const lines = [`Switchboard (${role}) ready in ${seconds}s`];
  if (app.apiUrl && role !== 'worker') {
    if (app.startServer) lines.push(`  MCP URL:      ${app.startServer.accessUrl}   (server "${app.startServer.name}")`);
    else if (role === 'all') lines.push(`  MCP URL:      none to show: a server's access URL is shown when it is made or its token rotated (Console → Servers)`);
    else lines.push(`  MCP endpoint: ${app.apiUrl}/mcp/<serverId>/<accessToken>`);
    lines.push(`  Console:      ${app.apiUrl}/console`, `  API:          ${app.apiUrl}/api`);
  }
  if (app.apiUrl) lines.push(`  Health:       ${app.apiUrl}/readyz`);
  lines.push(`  Temporal UI:  ${app.temporalUiUrl}/namespaces/${namespace}/workflows`);
  if (app.startServer) lines.push('', '  Connect a client to the MCP URL:', ...clientLines(app.startServer.accessUrl));
  if (app.generatedApiKey) {
    lines.push('', `  First start: created an account. Its API key (shown only this once; the console and /api take it): ${app.generatedApiKey}`);
  }
  return lines.join('\n');
}
