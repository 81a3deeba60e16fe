/**
 * The small vocabulary the planner matches goals against actions with. Deterministic on purpose:
 * the same goal and catalogue always give the same plan, and every match can be explained.
 */
const stopWords = new Set(
  'a an the to in on at for of with our us please and or from into all some any that this it its by as be is are i we you new about'.split(' '),
);

/** Words that mean "the caller" in API ids (GET /user/repos is repos_list_for_authenticated_user). */
export const selfIdWords = ['authenticated', 'me', 'self', 'mine', 'current'];

export type Intent = 'create' | 'read' | 'update' | 'delete';

const intentWords: Record<Intent, string[]> = {
  create: ['send', 'post', 'write', 'notify', 'say', 'reply', 'create', 'add', 'insert', 'open', 'make', 'invite', 'upload', 'schedule', 'book', 'file'],
  read: ['list', 'show', 'get', 'find', 'search', 'lookup', 'look', 'fetch', 'read', 'view', 'see', 'count', 'which', 'who'],
  update: ['update', 'edit', 'change', 'rename', 'set', 'modify', 'move', 'assign', 'label', 'close', 'archive'],
  delete: ['delete', 'remove', 'destroy', 'cancel', 'drop', 'unsubscribe'],
};

export const intentMethods: Record<Intent, string[]> = {
  create: ['POST', 'PUT'],
  read: ['GET'],
  update: ['PATCH', 'PUT', 'POST'],
  delete: ['DELETE', 'POST'],
};

/** Words that name the same thing in goals and in APIs. */
const synonymGroups = [
  ['message', 'chat', 'post', 'postmessage', 'text', 'msg'],
  ['channel', 'conversation', 'room'],
  ['user', 'member', 'person', 'people', 'account'],
  ['repo', 'repository', 'project'],
  ['issue', 'ticket', 'bug', 'task'],
  ['email', 'mail', 'gmail', 'message'],
  ['event', 'meeting', 'calendar', 'appointment'],
  ['file', 'document', 'doc'],
  ['contact', 'lead', 'customer'],
  ['comment', 'note', 'reply'],
  ['pull', 'pr', 'merge'],
];
const synonymsOf = new Map<string, string[]>();
for (const group of synonymGroups) {
  for (const word of group) {
    const known = synonymsOf.get(word) ?? [];
    synonymsOf.set(word, [...new Set([...known, ...group.filter((other) => other !== word)])]);
  }
}

export function synonyms(word: string): string[] {
  return synonymsOf.get(word) ?? [];
}

/** Crude singular form: enough to match "channels" with "channel" and "repositories" with "repository". */
export function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(ss|us)$/.test(word)) return word;
  if (word.length > 3 && word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** Splits ids (chat_postMessage, issues/create, users.list), paths and prose into stemmed words. */
export function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 1 && !stopWords.has(word))
    .map(stem);
}

export function intentOf(words: readonly string[]): Intent | undefined {
  for (const word of words) {
    for (const [intent, list] of Object.entries(intentWords) as Array<[Intent, string[]]>) {
      if (list.includes(word)) return intent;
    }
  }
  return undefined;
}

export function isIntentWord(word: string): boolean {
  return Object.values(intentWords).some((list) => list.includes(word));
}
