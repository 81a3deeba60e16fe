// The converter lives in src/connectors/openapi so custom-connector import uses the same one.
export { authFromSpec, specScopes } from '../../src/connectors/sources/openapi/auth.js';
export { convertOperations, selectActions } from '../../src/connectors/sources/openapi/convert.js';
export { slugify, trimText } from '../../src/connectors/sources/openapi/names.js';
export { baseUrlFrom } from '../../src/connectors/sources/openapi/servers.js';
export type { ConvertedAction } from '../../src/connectors/sources/openapi/types.js';
