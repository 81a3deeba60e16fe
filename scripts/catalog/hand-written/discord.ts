// Discord HTTP API v10, https://discord.com/developers/docs/reference
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const channel = pathParam('channel_id', 'Channel id (snowflake).');
const def: ConnectorDefinitionInput = {
  id: 'discord',
  name: 'Discord',
  category: 'communication',
  description: 'Community chat: send and read channel messages, reactions, guild channels and members via the Discord HTTP API.',
  baseUrl: 'https://discord.com/api/v10',
  authMethods: [
    // A bot token is sent as "Authorization: Bot <token>".
    { type: 'customHeaders', headers: [{ name: 'Authorization', description: '"Bot <bot token>" (Developer Portal > your application > Bot).' }] },
    {
      type: 'oauth2',
      authorizationUrl: 'https://discord.com/oauth2/authorize',
      tokenUrl: 'https://discord.com/api/oauth2/token',
      revocationUrl: 'https://discord.com/api/oauth2/token/revoke',
      scopes: ['identify', 'guilds'],
      availableScopes: ['identify', 'email', 'guilds', 'guilds.members.read', 'connections', 'messages.read', 'bot', 'applications.commands'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
    },
  ],
  resources: [
    { id: 'messages', name: 'Messages' },
    { id: 'channels', name: 'Channels' },
    { id: 'guilds', name: 'Guilds (servers)' },
    { id: 'users', name: 'Users' },
  ],
  actions: [
    action('message_create', 'messages', 'POST', '/channels/{channel_id}/messages', 'Send a message to a channel', [channel, body('content', 'string', 'Text, up to 2000 characters (content or embeds is required).'), body('embeds', 'array', 'Rich embeds, up to 10.'), body('tts', 'boolean', 'Text to speech.'), body('message_reference', 'object', '{"message_id":"..."} to reply.')], { response: { fields: ['id', 'channel_id', 'content', 'timestamp'] } }),
    action('messages_list', 'messages', 'GET', '/channels/{channel_id}/messages', 'List recent messages of a channel', [channel, query('limit', 'integer', '1-100 (default 50).'), query('before', 'string', 'Messages before this id.'), query('after', 'string', 'Messages after this id.')], { response: { itemsPath: '', itemFields: ['id', 'author', 'content', 'timestamp', 'attachments'] } }),
    action('message_edit', 'messages', 'PATCH', '/channels/{channel_id}/messages/{message_id}', 'Edit a message the bot sent', [channel, pathParam('message_id', 'Message id.'), body('content', 'string', 'New text.')], { response: { fields: ['id', 'content', 'edited_timestamp'] } }),
    action('message_delete', 'messages', 'DELETE', '/channels/{channel_id}/messages/{message_id}', 'Delete a message', [channel, pathParam('message_id', 'Message id.')]),
    action('reaction_add', 'messages', 'PUT', '/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me', 'React to a message', [channel, pathParam('message_id', 'Message id.'), pathParam('emoji', 'URL-encoded emoji, e.g. %F0%9F%91%8D, or name:id for a custom one.')]),
    action('channel_get', 'channels', 'GET', '/channels/{channel_id}', 'Get a channel', [channel], { response: { fields: ['id', 'type', 'guild_id', 'name', 'topic'] } }),
    action('guild_channels_list', 'guilds', 'GET', '/guilds/{guild_id}/channels', 'List channels of a guild', [pathParam('guild_id', 'Guild (server) id.')], { response: { itemsPath: '', itemFields: ['id', 'type', 'name', 'parent_id', 'position'] } }),
    action('guild_members_list', 'guilds', 'GET', '/guilds/{guild_id}/members', 'List members of a guild', [pathParam('guild_id', 'Guild (server) id.'), query('limit', 'integer', '1-1000.'), query('after', 'string', 'Highest user id of the previous page.')], { response: { itemsPath: '', itemFields: ['user', 'nick', 'roles', 'joined_at'] } }),
    action('users_me', 'users', 'GET', '/users/@me', 'Show the authenticated user or bot', [], { response: { fields: ['id', 'username', 'global_name', 'bot'] } }),
    action('users_me_guilds', 'users', 'GET', '/users/@me/guilds', 'List guilds the user or bot is in', [query('limit', 'integer', '1-200.'), query('after', 'string', 'Guild id to start after.')], { response: { itemsPath: '', itemFields: ['id', 'name', 'owner', 'permissions'] } }),
  ],
  rateLimit: { requestsPerSecond: 50, burst: 50, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset-after', resetUnit: 'seconds-from-now' } },
  source: { kind: 'hand-written', spec: 'https://discord.com/developers/docs/topics/rate-limits', version: 'v10' },
};
export default def;
