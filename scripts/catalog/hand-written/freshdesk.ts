// Freshdesk API v2, https://developers.freshdesk.com/api/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const paged = { style: 'page', pageParam: 'page', limitParam: 'per_page' } as const;
const page = [query('page', 'integer', 'Page number (from 1).'), query('per_page', 'integer', 'Max 100.')];
const ticketFields = ['id', 'subject', 'status', 'priority', 'requester_id', 'responder_id', 'group_id', 'tags', 'updated_at'];
const def: ConnectorDefinitionInput = {
  id: 'freshdesk',
  name: 'Freshdesk',
  category: 'support',
  description: 'Help desk: tickets, replies, notes, contacts, agents and ticket search via the Freshdesk API v2.',
  baseUrl: 'https://{domain}.freshdesk.com/api/v2',
  baseUrlVariables: [{ name: 'domain', description: 'Your Freshdesk subdomain (the part before .freshdesk.com).' }],
  // The API key is the user name; the password is any placeholder such as "X".
  authMethods: [{ type: 'basic' }],
  resources: [
    { id: 'tickets', name: 'Tickets' },
    { id: 'contacts', name: 'Contacts' },
    { id: 'agents', name: 'Agents' },
  ],
  actions: [
    action('tickets_list', 'tickets', 'GET', '/tickets', 'List tickets', [...page, query('filter', 'string', 'new_and_my_open, watching, spam or deleted.'), query('updated_since', 'string', 'ISO 8601 time.'), query('order_by', 'string', 'created_at, due_by, updated_at or status.'), query('include', 'string', 'requester, stats, description.')], { pagination: paged, response: { itemsPath: '', itemFields: ticketFields } }),
    action('tickets_search', 'tickets', 'GET', '/search/tickets', 'Search tickets', [query('query', 'string', 'Quoted filter, e.g. "status:2 AND priority:3".', true), query('page', 'integer', 'Page 1-10.')], { pagination: { style: 'page', pageParam: 'page' }, response: { itemsPath: 'results', itemFields: ticketFields } }),
    action('ticket_get', 'tickets', 'GET', '/tickets/{id}', 'Get a ticket', [pathParam('id', 'Ticket id.'), query('include', 'string', 'conversations, requester, company, stats.')], { response: { fields: ['id', 'subject', 'description_text', 'status', 'priority', 'requester_id', 'tags', 'conversations', 'custom_fields'] } }),
    action('ticket_create', 'tickets', 'POST', '/tickets', 'Create a ticket', [body('subject', 'string', 'Subject.', true), body('description', 'string', 'HTML description.', true), body('email', 'string', 'Requester e-mail (or requester_id).'), body('requester_id', 'integer', 'Requester contact id.'), body('priority', 'integer', '1 low, 2 medium, 3 high, 4 urgent.', true, { enum: [1, 2, 3, 4] }), body('status', 'integer', '2 open, 3 pending, 4 resolved, 5 closed.', true, { enum: [2, 3, 4, 5] }), body('tags', 'array', 'Tags.'), body('group_id', 'integer', 'Group.'), body('responder_id', 'integer', 'Assigned agent.')], { response: { fields: ['id', 'subject', 'status', 'priority'] } }),
    action('ticket_update', 'tickets', 'PUT', '/tickets/{id}', 'Update a ticket', [pathParam('id', 'Ticket id.'), body('status', 'integer', '2 open, 3 pending, 4 resolved, 5 closed.'), body('priority', 'integer', '1-4.'), body('responder_id', 'integer', 'Assigned agent.'), body('tags', 'array', 'Tags (replaces).')], { response: { fields: ['id', 'status', 'priority', 'responder_id'] } }),
    action('ticket_reply', 'tickets', 'POST', '/tickets/{id}/reply', 'Reply to a ticket', [pathParam('id', 'Ticket id.'), body('body', 'string', 'HTML reply.', true), body('cc_emails', 'array', 'CC addresses.')], { response: { fields: ['id', 'body_text', 'created_at'] } }),
    action('ticket_note_create', 'tickets', 'POST', '/tickets/{id}/notes', 'Add a note to a ticket', [pathParam('id', 'Ticket id.'), body('body', 'string', 'HTML note.', true), body('private', 'boolean', 'Private note (default true).')], { response: { fields: ['id', 'body_text', 'private'] } }),
    action('contacts_list', 'contacts', 'GET', '/contacts', 'List contacts', [...page, query('email', 'string', 'Only this e-mail.')], { pagination: paged, response: { itemsPath: '', itemFields: ['id', 'name', 'email', 'phone', 'company_id'] } }),
    action('contact_create', 'contacts', 'POST', '/contacts', 'Create a contact', [body('name', 'string', 'Full name.', true), body('email', 'string', 'E-mail.'), body('phone', 'string', 'Phone.'), body('company_id', 'integer', 'Company.')], { response: { fields: ['id', 'name', 'email'] } }),
    action('agents_list', 'agents', 'GET', '/agents', 'List agents', [...page], { pagination: paged, response: { itemsPath: '', itemFields: ['id', 'contact', 'available', 'type'] } }),
  ],
  rateLimit: { requestsPerSecond: 3.3, burst: 10, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-remaining' } },
  source: { kind: 'hand-written', spec: 'https://developers.freshdesk.com/api/#ratelimit', version: 'v2' },
};
export default def;
