// QuickBooks Online Accounting API, https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/account
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const minor = query('minorversion', 'integer', 'API minor version, e.g. 73.');
const ref = (what: string): string => `{"value":"<${what} id>"}.`;
const def: ConnectorDefinitionInput = {
  id: 'quickbooks',
  name: 'QuickBooks Online',
  category: 'finance',
  description: 'Small-business accounting: customers, invoices, payments, items and SQL-like queries via the QuickBooks Online Accounting API.',
  baseUrl: 'https://quickbooks.api.intuit.com/v3/company/{realmId}',
  baseUrlVariables: [{ name: 'realmId', description: 'The company id (realmId) returned with the OAuth authorization. Use sandbox-quickbooks.api.intuit.com as base URL for sandbox companies.' }],
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://appcenter.intuit.com/connect/oauth2',
      tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
      revocationUrl: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
      scopes: ['com.intuit.quickbooks.accounting'],
      availableScopes: ['com.intuit.quickbooks.accounting', 'com.intuit.quickbooks.payment', 'openid', 'profile', 'email'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: false,
    },
  ],
  resources: [
    { id: 'query', name: 'Query' },
    { id: 'customers', name: 'Customers' },
    { id: 'invoices', name: 'Invoices' },
    { id: 'payments', name: 'Payments' },
    { id: 'items', name: 'Items' },
  ],
  actions: [
    action('query', 'query', 'GET', '/query', 'Query entities (SELECT ... FROM Customer/Invoice/Item/...)', [query('query', 'string', "e.g. SELECT * FROM Invoice WHERE Balance > '0' STARTPOSITION 1 MAXRESULTS 100.", true), minor], { response: { fields: ['QueryResponse', 'time'] } }),
    action('customer_get', 'customers', 'GET', '/customer/{id}', 'Get a customer', [pathParam('id', 'Customer id.'), minor], { response: { fields: ['Customer'] } }),
    action('customer_create', 'customers', 'POST', '/customer', 'Create a customer', [body('DisplayName', 'string', 'Unique display name.', true), body('PrimaryEmailAddr', 'object', '{"Address":"a@b.c"}.'), body('PrimaryPhone', 'object', '{"FreeFormNumber":"..."}.'), body('CompanyName', 'string', 'Company.'), body('BillAddr', 'object', 'Billing address.'), minor], { response: { fields: ['Customer'] } }),
    action('invoice_get', 'invoices', 'GET', '/invoice/{id}', 'Get an invoice', [pathParam('id', 'Invoice id.'), minor], { response: { fields: ['Invoice'] } }),
    action('invoice_create', 'invoices', 'POST', '/invoice', 'Create an invoice', [body('CustomerRef', 'object', ref('customer'), true), body('Line', 'array', '[{"DetailType":"SalesItemLineDetail","Amount":100,"SalesItemLineDetail":{"ItemRef":{"value":"1"}}}].', true), body('DueDate', 'string', 'YYYY-MM-DD.'), body('BillEmail', 'object', '{"Address":"a@b.c"}.'), minor], { response: { fields: ['Invoice'] } }),
    action('invoice_send', 'invoices', 'POST', '/invoice/{id}/send', 'E-mail an invoice', [pathParam('id', 'Invoice id.'), query('sendTo', 'string', 'Override the BillEmail address.'), minor], { response: { fields: ['Invoice'] } }),
    action('payment_create', 'payments', 'POST', '/payment', 'Record a customer payment', [body('CustomerRef', 'object', ref('customer'), true), body('TotalAmt', 'number', 'Amount received.', true), body('Line', 'array', 'Invoices it pays: [{"Amount":100,"LinkedTxn":[{"TxnId":"<invoice id>","TxnType":"Invoice"}]}].'), minor], { response: { fields: ['Payment'] } }),
    action('item_get', 'items', 'GET', '/item/{id}', 'Get an item (product or service)', [pathParam('id', 'Item id.'), minor], { response: { fields: ['Item'] } }),
  ],
  rateLimit: { requestsPerSecond: 8, burst: 10, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features#limits-and-throttles', version: 'v3' },
};
export default def;
