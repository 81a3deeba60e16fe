// The converter lives in src/connectors/openapi so custom-connector import uses the same one.
export * from '../../src/connectors/openapi/convert.js';
