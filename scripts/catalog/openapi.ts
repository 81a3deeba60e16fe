// The converter lives in src/connectors/openapi so custom-connector import uses the same one.
export { authFromSpec, specScopes } from '../../src/connectors/openapi/auth.js';
export { convertOperations, selectActions } from '../../src/connectors/openapi/convert.js';
export { sanitizeActionId, slugify, trimText } from '../../src/connectors/openapi/names.js';
export { jsonType, SpecResolver } from '../../src/connectors/openapi/resolver.js';
export { baseUrlFrom, isHttpUrl } from '../../src/connectors/openapi/servers.js';
export type { ConvertOptions, ConvertedAction, ConvertedResource } from '../../src/connectors/openapi/types.js';
