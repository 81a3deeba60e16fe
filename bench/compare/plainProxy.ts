/**
 * The baseline: a plain, non-durable MCP proxy, as anyone would write it with the official SDK.
 * One SDK server and stateless Streamable HTTP transport per request (as Switchboard does), one
 * tool that forwards the call to the HTTP API and returns its answer. No database, no Temporal.
 * Run as its own process: `node --import tsx bench/compare/plainProxy.ts <port> <apiUrl> <token>`.
 */
import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { request } from 'undici';
import { z } from 'zod';

const [port, apiUrl, token] = process.argv.slice(2);

function protocolServer(): McpServer {
  const server = new McpServer({ name: 'plain-proxy', version: '1.0.0' });
  server.registerTool(
    'execute_action',
    {
      description: 'Forwards one action to the API',
      inputSchema: { connectorId: z.string(), actionId: z.string(), parameters: z.record(z.string(), z.unknown()) },
    },
    async ({ actionId, parameters }) => {
      const response = await request(`${apiUrl}/${actionId.replace('_', '.')}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(parameters),
      });
      const result = (await response.body.json()) as Record<string, unknown>;
      return {
        content: [{ type: 'text', text: JSON.stringify({ result, status: response.statusCode }) }],
        structuredContent: { result, status: response.statusCode },
        isError: response.statusCode >= 400,
      };
    },
  );
  return server;
}

const http = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined;
    const server = protocolServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void server.close());
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res, body))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
});
http.keepAliveTimeout = 65_000;
http.listen(Number(port), '127.0.0.1', () => console.log(`plain proxy ready on ${port}`));
