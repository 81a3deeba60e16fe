// Microsoft Graph v1.0 (Outlook mail & calendar, Teams, OneDrive, users), https://learn.microsoft.com/graph/api/overview
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const odata = [query('$top', 'integer', 'Page size.'), query('$select', 'string', 'Comma-separated properties.'), query('$filter', 'string', 'OData filter.'), query('$orderby', 'string')];
const next = { style: 'cursor', cursorParam: '$skiptoken', cursorPath: '@odata.nextLink', limitParam: '$top' } as const;
const list = (itemFields: string[]) => ({ itemsPath: 'value', itemFields, fields: ['value', '@odata.nextLink'] });
const msgFields = ['id', 'subject', 'from', 'toRecipients', 'receivedDateTime', 'isRead', 'bodyPreview', 'webLink'];
const eventFields = ['id', 'subject', 'start', 'end', 'location', 'attendees', 'organizer', 'webLink', 'onlineMeeting'];

const def: ConnectorDefinitionInput = {
  id: 'microsoft-graph',
  name: 'Microsoft 365 (Graph)',
  category: 'productivity',
  description: 'Microsoft 365 via Microsoft Graph: Outlook mail and calendar, Teams channels and chats, OneDrive files and directory users.',
  baseUrl: 'https://graph.microsoft.com/v1.0',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      scopes: ['offline_access', 'User.Read', 'Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite'],
      availableScopes: ['offline_access', 'openid', 'profile', 'email', 'User.Read', 'User.ReadBasic.All', 'Mail.Read', 'Mail.ReadWrite', 'Mail.Send', 'Calendars.Read', 'Calendars.ReadWrite', 'Files.Read', 'Files.ReadWrite', 'Files.ReadWrite.All', 'Team.ReadBasic.All', 'Channel.ReadBasic.All', 'ChannelMessage.Read.All', 'ChannelMessage.Send', 'Chat.Read', 'Chat.ReadWrite', 'ChatMessage.Send', 'Contacts.ReadWrite', 'Tasks.ReadWrite'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: true,
    },
    { type: 'bearer' },
  ],
  resources: [
    { id: 'mail', name: 'Outlook mail' },
    { id: 'calendar', name: 'Outlook calendar' },
    { id: 'teams', name: 'Teams' },
    { id: 'chats', name: 'Teams chats' },
    { id: 'drive', name: 'OneDrive files' },
    { id: 'users', name: 'Users' },
    { id: 'contacts', name: 'Outlook contacts' },
    { id: 'todo', name: 'To Do tasks' },
  ],
  actions: [
    action('me_get', 'users', 'GET', '/me', 'Get the signed-in user', [query('$select', 'string')], { response: { fields: ['id', 'displayName', 'mail', 'userPrincipalName', 'jobTitle'] } }),
    action('users_list', 'users', 'GET', '/users', 'List users', [...odata, query('$search', 'string')], { pagination: next, response: list(['id', 'displayName', 'mail', 'userPrincipalName']) }),
    action('users_get', 'users', 'GET', '/users/{user_id}', 'Get a user', [pathParam('user_id', 'Id or userPrincipalName.'), query('$select', 'string')], { response: { fields: ['id', 'displayName', 'mail', 'userPrincipalName'] } }),
    action('mail_messages_list', 'mail', 'GET', '/me/messages', 'List mail messages', [...odata, query('$search', 'string', 'KQL search, e.g. "from:alice".')], { pagination: next, response: list(msgFields) }),
    action('mail_folder_messages_list', 'mail', 'GET', '/me/mailFolders/{folder_id}/messages', 'List messages in a folder', [pathParam('folder_id', 'Folder id or well-known name (inbox, sentitems, drafts).'), ...odata], { pagination: next, response: list(msgFields) }),
    action('mail_message_get', 'mail', 'GET', '/me/messages/{message_id}', 'Get a message', [pathParam('message_id'), query('$select', 'string')], { response: { fields: [...msgFields, 'body', 'ccRecipients', 'conversationId'] } }),
    action('mail_send', 'mail', 'POST', '/me/sendMail', 'Send mail', [body('message', 'object', '{"subject":"...","body":{"contentType":"Text","content":"..."},"toRecipients":[{"emailAddress":{"address":"a@b.com"}}]}.', true), body('saveToSentItems', 'boolean')]),
    action('mail_message_reply', 'mail', 'POST', '/me/messages/{message_id}/reply', 'Reply to a message', [pathParam('message_id'), body('comment', 'string', 'Reply text.'), body('message', 'object')]),
    action('mail_message_update', 'mail', 'PATCH', '/me/messages/{message_id}', 'Update a message (e.g. mark read)', [pathParam('message_id'), body('isRead', 'boolean'), body('categories', 'array'), body('flag', 'object')], { idempotent: true }),
    action('mail_message_move', 'mail', 'POST', '/me/messages/{message_id}/move', 'Move a message to a folder', [pathParam('message_id'), body('destinationId', 'string', 'Folder id or well-known name (e.g. archive, deleteditems).', true)]),
    action('mail_message_delete', 'mail', 'DELETE', '/me/messages/{message_id}', 'Delete a message', [pathParam('message_id')]),
    action('mail_folders_list', 'mail', 'GET', '/me/mailFolders', 'List mail folders', [...odata], { pagination: next, response: list(['id', 'displayName', 'unreadItemCount', 'totalItemCount']) }),
    action('calendar_events_list', 'calendar', 'GET', '/me/events', 'List calendar events', [...odata], { pagination: next, response: list(eventFields) }),
    action('calendar_view', 'calendar', 'GET', '/me/calendarView', 'List event occurrences in a time range', [query('startDateTime', 'string', 'ISO 8601 start.', true), query('endDateTime', 'string', 'ISO 8601 end.', true), ...odata], { pagination: next, response: list(eventFields) }),
    action('calendar_event_get', 'calendar', 'GET', '/me/events/{event_id}', 'Get an event', [pathParam('event_id'), query('$select', 'string')], { response: { fields: eventFields } }),
    action('calendar_event_create', 'calendar', 'POST', '/me/events', 'Create an event', [body('subject', 'string', undefined, true), body('start', 'object', '{"dateTime":"2024-05-01T10:00:00","timeZone":"UTC"}.', true), body('end', 'object', undefined, true), body('body', 'object'), body('location', 'object'), body('attendees', 'array'), body('isOnlineMeeting', 'boolean')], { response: { fields: eventFields } }),
    action('calendar_event_update', 'calendar', 'PATCH', '/me/events/{event_id}', 'Update an event', [pathParam('event_id'), body('subject', 'string'), body('start', 'object'), body('end', 'object'), body('location', 'object'), body('attendees', 'array')], { idempotent: true, response: { fields: eventFields } }),
    action('calendar_event_delete', 'calendar', 'DELETE', '/me/events/{event_id}', 'Delete an event', [pathParam('event_id')]),
    action('calendars_list', 'calendar', 'GET', '/me/calendars', 'List calendars', [...odata], { pagination: next, response: list(['id', 'name', 'owner', 'canEdit']) }),
    action('find_meeting_times', 'calendar', 'POST', '/me/findMeetingTimes', 'Suggest meeting times', [body('attendees', 'array'), body('timeConstraint', 'object'), body('meetingDuration', 'string', 'ISO 8601 duration, e.g. PT1H.')], { idempotent: true, response: { fields: ['meetingTimeSuggestions', 'emptySuggestionsReason'] } }),
    action('teams_joined_list', 'teams', 'GET', '/me/joinedTeams', 'List my teams', [], { response: list(['id', 'displayName', 'description']) }),
    action('team_channels_list', 'teams', 'GET', '/teams/{team_id}/channels', 'List channels of a team', [pathParam('team_id'), query('$filter', 'string'), query('$select', 'string')], { response: list(['id', 'displayName', 'description', 'membershipType', 'webUrl']) }),
    action('channel_messages_list', 'teams', 'GET', '/teams/{team_id}/channels/{channel_id}/messages', 'List channel messages', [pathParam('team_id'), pathParam('channel_id'), query('$top', 'integer')], { pagination: next, response: list(['id', 'from', 'body', 'createdDateTime', 'webUrl']) }),
    action('channel_message_send', 'teams', 'POST', '/teams/{team_id}/channels/{channel_id}/messages', 'Send a channel message', [pathParam('team_id'), pathParam('channel_id'), body('body', 'object', '{"contentType":"html","content":"Hello"}.', true), body('subject', 'string')], { response: { fields: ['id', 'webUrl', 'createdDateTime'] } }),
    action('channel_message_reply', 'teams', 'POST', '/teams/{team_id}/channels/{channel_id}/messages/{message_id}/replies', 'Reply to a channel message', [pathParam('team_id'), pathParam('channel_id'), pathParam('message_id'), body('body', 'object', undefined, true)], { response: { fields: ['id', 'createdDateTime'] } }),
    action('chats_list', 'chats', 'GET', '/me/chats', 'List my chats', [...odata, query('$expand', 'string')], { pagination: next, response: list(['id', 'topic', 'chatType', 'lastUpdatedDateTime', 'webUrl']) }),
    action('chat_messages_list', 'chats', 'GET', '/chats/{chat_id}/messages', 'List chat messages', [pathParam('chat_id'), query('$top', 'integer'), query('$orderby', 'string')], { pagination: next, response: list(['id', 'from', 'body', 'createdDateTime']) }),
    action('chat_message_send', 'chats', 'POST', '/chats/{chat_id}/messages', 'Send a chat message', [pathParam('chat_id'), body('body', 'object', '{"content":"Hello"}.', true)], { response: { fields: ['id', 'createdDateTime'] } }),
    action('drive_root_children_list', 'drive', 'GET', '/me/drive/root/children', 'List files in the OneDrive root', [...odata], { pagination: next, response: list(['id', 'name', 'size', 'folder', 'file', 'webUrl', 'lastModifiedDateTime']) }),
    action('drive_item_children_list', 'drive', 'GET', '/me/drive/items/{item_id}/children', 'List a folder', [pathParam('item_id'), ...odata], { pagination: next, response: list(['id', 'name', 'size', 'folder', 'file', 'webUrl']) }),
    action('drive_item_get', 'drive', 'GET', '/me/drive/items/{item_id}', 'Get a drive item', [pathParam('item_id'), query('$select', 'string')], { response: { fields: ['id', 'name', 'size', 'webUrl', '@microsoft.graph.downloadUrl', 'parentReference'] } }),
    action('drive_search', 'drive', 'GET', "/me/drive/root/search(q='{q}')", 'Search OneDrive', [pathParam('q', 'Search text.'), query('$top', 'integer')], { pagination: next, response: list(['id', 'name', 'webUrl', 'parentReference']) }),
    action('drive_folder_create', 'drive', 'POST', '/me/drive/items/{parent_id}/children', 'Create a folder', [pathParam('parent_id', 'Parent item id (or "root").'), body('name', 'string', undefined, true), body('folder', 'object', 'Pass {}.', true), body('@microsoft.graph.conflictBehavior', 'string', 'rename | fail | replace.')], { response: { fields: ['id', 'name', 'webUrl'] } }),
    action('drive_item_create_link', 'drive', 'POST', '/me/drive/items/{item_id}/createLink', 'Create a sharing link', [pathParam('item_id'), body('type', 'string', 'view | edit | embed.', true, { enum: ['view', 'edit', 'embed'] }), body('scope', 'string', 'anonymous | organization.')], { response: { fields: ['id', 'link'] } }),
    action('drive_item_delete', 'drive', 'DELETE', '/me/drive/items/{item_id}', 'Delete a drive item', [pathParam('item_id')]),
    action('contacts_list', 'contacts', 'GET', '/me/contacts', 'List contacts', [...odata], { pagination: next, response: list(['id', 'displayName', 'emailAddresses', 'mobilePhone', 'companyName']) }),
    action('contact_create', 'contacts', 'POST', '/me/contacts', 'Create a contact', [body('givenName', 'string'), body('surname', 'string'), body('emailAddresses', 'array'), body('businessPhones', 'array'), body('companyName', 'string')], { response: { fields: ['id', 'displayName'] } }),
    action('todo_lists_list', 'todo', 'GET', '/me/todo/lists', 'List To Do lists', [], { response: list(['id', 'displayName', 'wellknownListName']) }),
    action('todo_tasks_list', 'todo', 'GET', '/me/todo/lists/{list_id}/tasks', 'List tasks', [pathParam('list_id'), ...odata], { pagination: next, response: list(['id', 'title', 'status', 'dueDateTime', 'importance']) }),
    action('todo_task_create', 'todo', 'POST', '/me/todo/lists/{list_id}/tasks', 'Create a task', [pathParam('list_id'), body('title', 'string', undefined, true), body('dueDateTime', 'object'), body('body', 'object'), body('importance', 'string', undefined, false, { enum: ['low', 'normal', 'high'] })], { response: { fields: ['id', 'title', 'status'] } }),
  ],
  rateLimit: { requestsPerSecond: 10, burst: 20, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://learn.microsoft.com/graph/api/overview', version: 'v1.0' },
};
export default def;
