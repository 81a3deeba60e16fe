// Shopify Admin REST API, https://shopify.dev/docs/api/admin-rest
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const link = { style: 'link', limitParam: 'limit' } as const;
const limit = query('limit', 'integer', 'Max 250.');
const def: ConnectorDefinitionInput = {
  id: 'shopify',
  name: 'Shopify',
  category: 'ecommerce',
  description: 'Online store administration: products, orders, customers and inventory via the Shopify Admin REST API.',
  baseUrl: 'https://{shop}.myshopify.com/admin/api/2024-10',
  baseUrlVariables: [{ name: 'shop', description: 'Your shop name (the part before .myshopify.com).' }],
  // Admin API access tokens go in X-Shopify-Access-Token, not "Authorization: Bearer", so the credential
  // is a custom app's Admin API access token (Settings > Apps > Develop apps).
  authMethods: [{ type: 'apiKey', in: 'header', name: 'X-Shopify-Access-Token' }],
  resources: [
    { id: 'products', name: 'Products' },
    { id: 'orders', name: 'Orders' },
    { id: 'customers', name: 'Customers' },
    { id: 'inventory', name: 'Inventory' },
  ],
  actions: [
    action('products_list', 'products', 'GET', '/products.json', 'List products', [limit, query('status', 'string', 'active, archived or draft.'), query('since_id', 'integer', 'Only after this id.'), query('title', 'string', 'Title filter.'), query('vendor', 'string', 'Vendor filter.')], { pagination: link, response: { itemsPath: 'products', itemFields: ['id', 'title', 'status', 'vendor', 'product_type', 'variants', 'updated_at'] } }),
    action('product_get', 'products', 'GET', '/products/{product_id}.json', 'Get a product', [pathParam('product_id', 'Product id.')], { response: { fields: ['product'] } }),
    action('product_create', 'products', 'POST', '/products.json', 'Create a product', [body('product', 'object', '{"title":"...","body_html":"...","vendor":"...","variants":[{"price":"9.99","sku":"..."}]}.', true)], { response: { fields: ['product'] } }),
    action('product_update', 'products', 'PUT', '/products/{product_id}.json', 'Update a product', [pathParam('product_id', 'Product id.'), body('product', 'object', '{"id":<product id>,"title":"...","status":"active"}.', true)], { response: { fields: ['product'] } }),
    action('orders_list', 'orders', 'GET', '/orders.json', 'List orders', [limit, query('status', 'string', 'open, closed, cancelled or any.'), query('financial_status', 'string', 'e.g. paid, pending, refunded.'), query('fulfillment_status', 'string', 'shipped, partial, unshipped or any.'), query('created_at_min', 'string', 'ISO 8601 time.')], { pagination: link, response: { itemsPath: 'orders', itemFields: ['id', 'name', 'email', 'total_price', 'currency', 'financial_status', 'fulfillment_status', 'created_at'] } }),
    action('order_get', 'orders', 'GET', '/orders/{order_id}.json', 'Get an order', [pathParam('order_id', 'Order id.')], { response: { fields: ['order'] } }),
    action('order_cancel', 'orders', 'POST', '/orders/{order_id}/cancel.json', 'Cancel an order', [pathParam('order_id', 'Order id.'), body('reason', 'string', 'customer, fraud, inventory, declined or other.'), body('email', 'boolean', 'Notify the customer.'), body('restock', 'boolean', 'Restock the items.')], { response: { fields: ['order'] } }),
    action('customers_search', 'customers', 'GET', '/customers/search.json', 'Search customers', [query('query', 'string', 'e.g. email:bob@example.com or country:Canada.', true), limit], { pagination: link, response: { itemsPath: 'customers', itemFields: ['id', 'email', 'first_name', 'last_name', 'orders_count', 'total_spent'] } }),
    action('customers_list', 'customers', 'GET', '/customers.json', 'List customers', [limit, query('since_id', 'integer', 'Only after this id.')], { pagination: link, response: { itemsPath: 'customers', itemFields: ['id', 'email', 'first_name', 'last_name', 'orders_count'] } }),
    action('inventory_levels_list', 'inventory', 'GET', '/inventory_levels.json', 'List inventory levels', [query('inventory_item_ids', 'string', 'Comma-separated inventory item ids (or location_ids).'), query('location_ids', 'string', 'Comma-separated location ids.'), limit], { pagination: link, response: { itemsPath: 'inventory_levels', itemFields: ['inventory_item_id', 'location_id', 'available', 'updated_at'] } }),
    action('inventory_level_set', 'inventory', 'POST', '/inventory_levels/set.json', 'Set the available quantity at a location', [body('inventory_item_id', 'integer', 'Inventory item id (from the variant).', true), body('location_id', 'integer', 'Location id.', true), body('available', 'integer', 'New available quantity.', true)], { idempotent: true, response: { fields: ['inventory_level'] } }),
  ],
  // Leaky bucket: 40 requests, refilled at 2 per second (standard plans).
  rateLimit: { requestsPerSecond: 2, burst: 40, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://shopify.dev/docs/api/usage/rate-limits', version: '2024-10' },
};
export default def;
