import { CLIENT_METADATA_PATH, clientMetadataDocument } from '../../remoteMcp/clientMetadata.js';
import type { ApiDependencies } from '../context.js';
import { ApiRouter } from '../routing.js';

/**
 * Switchboard's OAuth Client ID Metadata Document: authorization servers of remote MCP connectors
 * that support CIMD fetch it to learn who PUBLIC_URL/oauth/client-metadata.json (our client_id) is.
 */
export function clientMetadataRoutes(deps: Pick<ApiDependencies, 'publicUrl'>): ApiRouter {
  const router = new ApiRouter();
  router.operations.push({
    method: 'get',
    path: CLIENT_METADATA_PATH,
    access: 'public',
    summary: "Switchboard's OAuth Client ID Metadata Document (its URL is the client_id at remote MCP servers' authorization servers)",
    tag: 'OAuth apps',
  });
  const document = clientMetadataDocument(deps.publicUrl);
  router.router.get(CLIENT_METADATA_PATH, (ctx) => {
    ctx.set('cache-control', 'public, max-age=3600');
    ctx.body = document;
  });
  return router;
}
