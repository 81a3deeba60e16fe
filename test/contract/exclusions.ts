/**
 * What the catalogue contract test does not judge, each with its reason (docs/catalogue.md lists them).
 */

/**
 * Connectors whose credential goes where the vendor's own documentation says, which its OpenAPI
 * document does not describe: the test skips the document's security check for them and does not
 * demand the document's parameters that carry the credential. Everything else in their requests
 * is judged.
 */
export const AUTH_OUTSIDE_DOCUMENT: Record<string, { reason: string; credentialParameters: string[] }> = {
  slack: {
    reason: "Slack's document declares the token as a `token` query or header parameter; Slack's API documentation sends it as `Authorization: Bearer`, as the connector does",
    credentialParameters: ['token'],
  },
  trello: {
    reason: "Trello's document wants `key` and `token` query parameters; Trello also takes them in an `Authorization: OAuth …` header (its API documentation), as the connector does so they never appear in URLs or logs",
    credentialParameters: ['key', 'token'],
  },
  gitlab: {
    reason: "GitLab's (v3) document declares only the private-token header; the connector signs in with GitLab's OAuth (`Authorization: Bearer`, GitLab's OAuth documentation)",
    credentialParameters: ['private_token'],
  },
  fec: {
    reason: "The FEC document requires its key in a header and two query parameters together; api.data.gov takes any one of them (its documentation), and the connector sends `api_key`",
    credentialParameters: [],
  },
};

/** Top SaaS the test cannot judge, each with its reason: their APIs are GraphQL, which an OpenAPI validator does not describe. */
export const NOT_JUDGED: Record<string, string> = {
  linear: "Linear's API is GraphQL only (one POST /graphql endpoint); there is no OpenAPI document to validate against",
  monday: "monday.com's API is GraphQL only (POST /v2 with a query); there is no OpenAPI document to validate against",
};

/** Calls whose operation is in a vendor document this repository cannot hold, each with its reason: not sent, listed as not judged. */
export const ACTIONS_OUTSIDE_DOCUMENT: Record<string, string> = {
  'datadog:downtime_create':
    "Datadog's v2 document (POST /api/v2/downtime) is too large for the mirror this test's document was trimmed from; the datadog document holds v1 only",
};
