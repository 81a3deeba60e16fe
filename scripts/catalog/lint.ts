/**
 * Catalogue rules that the schema alone does not enforce. Run by `npm run catalog:build`
 * (which refuses to write a catalogue that breaks them) and by the unit test
 * test/unit/connectors/catalog-lint.test.ts (so `npm test` fails on a hand edit that breaks them).
 */
import { isRemoteMcpConnectorId } from '../../src/remoteMcp/connector.js';
import { actionParametersSchema } from '../../src/connectors/parameters.js';
import type { ConnectorDefinition } from '../../src/connectors/schema.js';

export const CATALOG_BUDGET = {
  /** All generated files together (index + one file per connector). */
  totalBytes: 32 * 1024 * 1024,
  /** One connector's file: the API reads it whole on first use. */
  connectorBytes: 640 * 1024,
  /** index.json is read at start-up. */
  indexBytes: 512 * 1024,
  /** Connectors that need no credential at all. */
  maxPublicShare: 0.05,
};

/**
 * Well-known SaaS families: each must offer at least five actions, a credential path, and, where the
 * vendor offers OAuth to third-party apps, OAuth with URLs and (when the vendor uses scopes) default scopes.
 * 'none': the vendor's credential for API access is a key or token (Shopify's OAuth tokens go in a
 * header the oauth2 method does not fill; Trello offers OAuth 1.0a only).
 */
const FAMILIES: Record<string, { oauth: 'scoped' | 'unscoped' | 'none' }> = {
  slack: { oauth: 'scoped' },
  github: { oauth: 'scoped' },
  gitlab: { oauth: 'scoped' },
  jira: { oauth: 'scoped' },
  asana: { oauth: 'scoped' },
  trello: { oauth: 'none' },
  notion: { oauth: 'unscoped' },
  airtable: { oauth: 'scoped' },
  hubspot: { oauth: 'scoped' },
  salesforce: { oauth: 'scoped' },
  zendesk: { oauth: 'scoped' },
  stripe: { oauth: 'none' },
  xero: { oauth: 'scoped' },
  mailchimp: { oauth: 'unscoped' },
  sendgrid: { oauth: 'none' },
  twilio: { oauth: 'none' },
  zoom: { oauth: 'scoped' },
  dropbox: { oauth: 'scoped' },
  box: { oauth: 'scoped' },
  gmail: { oauth: 'scoped' },
  'google-calendar': { oauth: 'scoped' },
  'google-drive': { oauth: 'scoped' },
  'google-sheets': { oauth: 'scoped' },
  'microsoft-graph': { oauth: 'scoped' },
  linear: { oauth: 'scoped' },
  confluence: { oauth: 'scoped' },
  pipedrive: { oauth: 'unscoped' },
  intercom: { oauth: 'unscoped' },
  freshdesk: { oauth: 'none' },
  quickbooks: { oauth: 'scoped' },
  shopify: { oauth: 'none' },
  discord: { oauth: 'scoped' },
  calendly: { oauth: 'unscoped' },
  typeform: { oauth: 'scoped' },
  pagerduty: { oauth: 'scoped' },
  datadog: { oauth: 'none' },
  sentry: { oauth: 'none' },
  okta: { oauth: 'scoped' },
  figma: { oauth: 'scoped' },
  monday: { oauth: 'scoped' },
  clickup: { oauth: 'unscoped' },
  servicenow: { oauth: 'scoped' },
  // BambooHR's OpenID Connect hands a partner app an API key, not a bearer token.
  bamboohr: { oauth: 'none' },
  contentful: { oauth: 'scoped' },
  segment: { oauth: 'none' },
  mixpanel: { oauth: 'none' },
  webflow: { oauth: 'scoped' },
};

export interface LintInput {
  definitions: readonly ConnectorDefinition[];
  /** Connector id -> why it needs no credential (scripts/catalog/overlays/auth.json "public"). */
  publicConnectors: Readonly<Record<string, string>>;
  /** Size of each connector's file, by id. */
  fileBytes: ReadonlyMap<string, number>;
  indexBytes: number;
  /** Check the FAMILIES list (off when linting a partial catalogue, e.g. in the linter's own tests). */
  families?: boolean;
}

const isHttps = (url: string): boolean => /^https:\/\/[^\s/]+/.test(url);

function lintConnector(def: ConnectorDefinition, publicReason: string | undefined): string[] {
  const problems: string[] = [];
  const say = (message: string): void => void problems.push(`${def.id}: ${message}`);
  const credentialed = def.authMethods.some((method) => method.type !== 'none');
  if (!credentialed && !publicReason?.trim()) say('no credential path and not marked public (with a reason) in overlays/auth.json');
  if (credentialed && publicReason !== undefined) say('marked public but its auth methods need a credential');
  if (!isHttps(def.baseUrl)) say(`base URL is not https: ${def.baseUrl}`);
  if (isRemoteMcpConnectorId(def.id)) say('id collides with the remote MCP connector namespace');
  for (const method of def.authMethods) {
    if (method.type !== 'oauth2') continue;
    if (!isHttps(method.authorizationUrl)) say(`OAuth authorization URL missing or not https: ${method.authorizationUrl}`);
    if (!isHttps(method.tokenUrl)) say(`OAuth token URL missing or not https: ${method.tokenUrl}`);
  }
  const actionIds = new Set<string>();
  for (const action of def.actions) {
    const where = `action ${action.id}`;
    if (actionIds.has(action.id.toLowerCase())) say(`${where}: id collides with another action`);
    actionIds.add(action.id.toLowerCase());
    const inPath = new Set([...action.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]));
    const declared = new Set(action.parameters.filter((p) => p.in === 'path').map((p) => p.name));
    for (const name of inPath) if (!declared.has(name!)) say(`${where}: path parameter {${name}} is undeclared`);
    for (const name of declared) if (!inPath.has(name)) say(`${where}: path parameter ${name} does not appear in ${action.path}`);
    const seen = new Set<string>();
    for (const parameter of action.parameters) {
      const key = `${parameter.in}:${parameter.name}`;
      if (seen.has(key)) say(`${where}: parameter ${key} declared twice`);
      seen.add(key);
      if (parameter.required && !parameter.description?.trim()) say(`${where}: required parameter ${parameter.name} has no description`);
      if (parameter.default !== undefined && !actionParametersSchema({ parameters: [{ ...parameter, default: undefined, required: true }] }).safeParse({ [parameter.name]: parameter.default }).success) {
        say(`${where}: the default of ${parameter.name} is not a valid ${parameter.type}`);
      }
    }
  }
  return problems;
}

function lintFamily(def: ConnectorDefinition | undefined, id: string, oauth: 'scoped' | 'unscoped' | 'none'): string[] {
  if (!def) return [`${id}: well-known connector is missing`];
  const problems: string[] = [];
  if (def.actions.length < 5) problems.push(`${id}: well-known connector has ${def.actions.length} actions (at least 5)`);
  if (!def.authMethods.some((method) => method.type !== 'none')) problems.push(`${id}: well-known connector has no credential path`);
  const method = def.authMethods.find((candidate) => candidate.type === 'oauth2');
  if (oauth !== 'none' && method?.type !== 'oauth2') problems.push(`${id}: well-known connector lacks OAuth`);
  if (oauth === 'scoped' && method?.type === 'oauth2' && method.scopes.length === 0) {
    problems.push(`${id}: well-known connector requests no OAuth scopes by default`);
  }
  return problems;
}

/** Every broken rule as "<connector>: <problem>"; empty when the catalogue is fit to ship. */
export function lintCatalog(input: LintInput): string[] {
  const problems: string[] = [];
  const byId = new Map<string, ConnectorDefinition>();
  const lowerIds = new Set<string>();
  for (const def of input.definitions) {
    if (lowerIds.has(def.id.toLowerCase())) problems.push(`${def.id}: connector id collides with another connector`);
    lowerIds.add(def.id.toLowerCase());
    byId.set(def.id, def);
    problems.push(...lintConnector(def, input.publicConnectors[def.id]));
    const bytes = input.fileBytes.get(def.id) ?? 0;
    if (bytes > CATALOG_BUDGET.connectorBytes) {
      problems.push(`${def.id}: file is ${bytes} bytes (budget ${CATALOG_BUDGET.connectorBytes})`);
    }
  }
  for (const id of Object.keys(input.publicConnectors)) {
    if (!byId.has(id)) problems.push(`${id}: marked public in overlays/auth.json but not in the catalogue`);
  }
  const publicCount = input.definitions.filter((def) => def.authMethods.every((method) => method.type === 'none')).length;
  if (publicCount > input.definitions.length * CATALOG_BUDGET.maxPublicShare) {
    problems.push(`catalogue: ${publicCount} of ${input.definitions.length} connectors need no credential (at most ${CATALOG_BUDGET.maxPublicShare * 100} %)`);
  }
  const total = input.indexBytes + [...input.fileBytes.values()].reduce((sum, n) => sum + n, 0);
  if (total > CATALOG_BUDGET.totalBytes) problems.push(`catalogue: ${total} bytes on disk (budget ${CATALOG_BUDGET.totalBytes})`);
  if (input.indexBytes > CATALOG_BUDGET.indexBytes) {
    problems.push(`catalogue: index.json is ${input.indexBytes} bytes (budget ${CATALOG_BUDGET.indexBytes})`);
  }
  if (input.families !== false) {
    for (const [id, { oauth }] of Object.entries(FAMILIES)) problems.push(...lintFamily(byId.get(id), id, oauth));
  }
  return problems;
}
