import { describe, expect, it } from 'vitest';
import { pageOf, searchConnectors, searchStems } from '../../../src/connectors/search.js';

const row = (id: string, name: string, description: string, actionCount = 1) => ({ id, name, description, actionCount });
const rows = [
  row('chat', 'Chat', 'Send messages to channels.', 10),
  row('mailer', 'Mailer', 'Transactional e-mail.', 5),
  row('messaging-hub', 'Messaging Hub', 'SMS.', 2),
  row('bigchat', 'Big Chat', 'Send messages to rooms.', 90),
];

describe('searchConnectors', () => {
  it('drops stop words and stems long words', () => {
    expect(searchStems('Send a message to the team')).toEqual(['send', 'messag', 'team']);
    expect(searchStems('  ')).toEqual([]);
  });

  it('ranks name hits over description hits, more words over fewer, broader APIs among equals', () => {
    expect(searchConnectors(rows, 'send a message').map((r) => r.id)).toEqual(['messaging-hub', 'bigchat', 'chat']);
    expect(searchConnectors(rows, 'chat').map((r) => r.id)).toEqual(['bigchat', 'chat']);
    expect(searchConnectors(rows, 'nothing-like-it')).toEqual([]);
    expect(searchConnectors(rows, 'the a')).toEqual(rows);
  });
});

describe('pageOf', () => {
  it('pages and says where the next page starts', () => {
    expect(pageOf([1, 2, 3, 4, 5], 0, 2)).toEqual({ items: [1, 2], nextOffset: 2 });
    expect(pageOf([1, 2, 3, 4, 5], 4, 2)).toEqual({ items: [5] });
    expect(pageOf([], 0, 0)).toEqual({ items: [] });
  });
});
