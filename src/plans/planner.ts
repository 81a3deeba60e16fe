import type { ActionDefinition, ActionParameter } from '../connectors/schema.js';
import { searchActions } from '../connectors/search.js';
import type { Plan, PlanStep } from './schemas.js';
import { intentMethods, intentOf, isIntentWord, selfIdWords, stem, synonyms, wordsOf, type Intent } from './vocabulary.js';

/** What the planner needs of a connector: works for catalogue, custom and remote MCP connectors. */
export interface PlannableConnector {
  id: string;
  actions: readonly ActionDefinition[];
}

interface Candidate {
  actionId: string;
  title: string;
  score: number;
  why: string;
}

export type PlanOutcome =
  | { status: 'planned'; plan: Plan; explanation: string; missingInputs: Array<{ key: string; ask: string }>; alternatives: Candidate[] }
  | { status: 'no_plan'; message: string; closest: Candidate[] };

interface GoalFacts {
  words: string[];
  mentionsSelf: boolean;
  intent?: Intent;
  channelNames: string[];
  quoted: string[];
  emails: string[];
  /** "named Foo", "called 'Q3 plan'". */
  named?: string;
  numbers: number[];
  /** Ids the goal gives ("id 42", "#123", "ABC-123"). */
  ids: string[];
  ownerRepo?: { owner: string; repo: string };
}

function factsOf(goal: string): GoalFacts {
  const ownerRepo = /\b([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\b/.exec(goal);
  const named = /\b(?:named|called|titled)\s+(?:["“']([^"”']{1,200})["”']|([\p{L}\p{N}_.-]+))/iu.exec(goal);
  const ids = [...goal.matchAll(/\b(?:id|number|no\.?)\s+([A-Za-z0-9_-]*\d[A-Za-z0-9_-]*)\b|(?:^|\s)#(\d+)\b|\b([A-Z][A-Z0-9]+-\d+)\b/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  // Literal values (quoted text, #channels, emails, owner/repo) say what to send, not which action.
  const words = wordsOf(
    goal
      .replace(/\b(?:named|called|titled)\s+(?:["“'][^"”']*["”']|[\p{L}\p{N}_.-]+)/giu, ' ')
      .replace(/["“'][^"”']*["”']/g, ' ')
      .replace(/#[A-Za-z0-9_-]+/g, ' ')
      .replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, ' ')
      .replace(/\b[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\b/g, ' '),
  );
  return {
    words,
    mentionsSelf: /\b(my|mine|me)\b/i.test(goal),
    intent: intentOf(words),
    channelNames: [...goal.matchAll(/#([A-Za-z0-9_-]+)/g)].map((m) => m[1]!),
    quoted: [...goal.replace(/\b(?:named|called|titled)\s+["“'][^"”']*["”']/giu, ' ').matchAll(/["“']([^"”']{1,500})["”']/g)].map((m) => m[1]!),
    emails: [...goal.matchAll(/[\w.+-]+@[\w-]+\.[\w.-]+/g)].map((m) => m[0]),
    ...(named ? { named: named[1] ?? named[2]! } : {}),
    ids,
    numbers: [...goal.replace(/["“'][^"”']*["”']/g, ' ').matchAll(/(?<![\w#.-])(\d+(?:\.\d+)?)(?![\w.-])/g)]
      .map((m) => Number(m[1]))
      .filter((n) => !ids.includes(String(n))),
    ...(ownerRepo ? { ownerRepo: { owner: ownerRepo[1]!, repo: ownerRepo[2]! } } : {}),
  };
}

const MIN_SCORE = 2;
const genericVerbs = new Set(['create', 'add', 'insert', 'post', 'send', 'get', 'list', 'read', 'update', 'set', 'delete', 'remove']);

/** Scores how well an action serves the goal, and says why: the plan must explain itself. */
function score(action: ActionDefinition, facts: GoalFacts, namespace: ReadonlySet<string>): Candidate {
  const idWords = new Set(wordsOf(action.id).filter((word) => !namespace.has(word)));
  const resourceWords = new Set(wordsOf(action.resource));
  const textWords = new Set(wordsOf(`${action.title} ${action.description}`));
  let total = 0;
  const reasons: string[] = [];
  for (const word of facts.words) {
    // Verbs mostly count as intent, below; a verb that is the action's own name still helps a little.
    if (isIntentWord(word)) {
      if (idWords.has(word)) total += 1.5;
      continue;
    }
    if (idWords.has(word)) {
      total += 3;
      reasons.push(`its id matches "${word}"`);
    } else if (synonyms(word).some((w) => idWords.has(w))) {
      total += 2;
      reasons.push(`its id matches "${word}" (as ${synonyms(word).find((w) => idWords.has(w))})`);
    } else if ([word, ...synonyms(word)].some((w) => resourceWords.has(w))) {
      total += 1.5;
      reasons.push(`its resource matches "${word}"`);
    } else if ([word, ...synonyms(word)].some((w) => textWords.has(w))) {
      total += 1;
    }
  }
  // The verb in an action's id says what it does more reliably than its HTTP method:
  // Slack's chat.delete is a POST too.
  const actionIntent = intentOf([...idWords]);
  if (facts.intent && actionIntent) {
    if (actionIntent === facts.intent) {
      total += 2;
      reasons.push(`it ${facts.intent}s`);
    } else {
      total -= 3;
    }
  }
  // The method only speaks when the id has no verb: search and query endpoints are often POSTs.
  if (facts.intent && !actionIntent) {
    if (intentMethods[facts.intent].includes(action.method)) {
      total += 1;
    } else {
      total -= 2;
    }
  }
  if (facts.mentionsSelf && selfIdWords.some((word) => idWords.has(word))) {
    total += 2;
    reasons.push('it acts on the signed-in user');
  }
  // Prefer the action that does just what was asked: chat_postMessage over chat_scheduleMessage.
  const said = new Set(facts.words.flatMap((word) => [word, ...synonyms(word)]));
  // Generic verbs (create, post, list…) are judged as intent; a specific one the goal did not say
  // (schedule, archive, invite) is a different action.
  total -= [...idWords].filter((word) => !said.has(word) && !genericVerbs.has(word)).length;
  if (/deprecated/i.test(action.description)) total -= 2;
  const required = action.parameters.filter((p) => p.required).length;
  total -= required * 0.05;
  return {
    actionId: action.id,
    title: action.title,
    score: Math.round(total * 100) / 100,
    why: reasons.length > 0 ? reasons.join(', ') : 'weak match on its description',
  };
}

/**
 * Words in most of a connector's action ids are its namespace (Google's "calendar." prefix): they
 * say nothing about what one action does, so they neither score nor pick providers.
 */
function namespaceOf(connector: PlannableConnector): Set<string> {
  const counts = new Map<string, number>();
  for (const action of connector.actions) {
    for (const word of new Set(wordsOf(action.id))) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const threshold = Math.max(3, connector.actions.length * 0.6);
  return new Set([...counts].filter(([, count]) => count >= threshold).map(([word]) => word));
}

/** How much the search index's view counts beside the rules: the best match gains one point. */
const SEARCH_WEIGHT = 1;

/**
 * The actions by how well they serve the step: the rules' score (intent, ids, synonyms, specific
 * verbs) plus the search index's relative BM25 score over the step's words (prefix and fuzzy
 * terms: "notif" still finds notifications, "mesage" messages).
 */
function rank(connector: PlannableConnector, facts: GoalFacts, namespace: ReadonlySet<string>): Candidate[] {
  const found = searchActions(connector.actions, facts.words.join(' '));
  return connector.actions
    .map((action) => {
      const candidate = score(action, facts, namespace);
      const bonus = (found.get(action.id) ?? 0) * SEARCH_WEIGHT;
      return bonus > 0 ? { ...candidate, score: Math.round((candidate.score + bonus) * 100) / 100 } : candidate;
    })
    .sort((a, b) => b.score - a.score || a.actionId.localeCompare(b.actionId));
}

/** "channel", "channel_id", "channelId" → "channel": the thing an id-like parameter names. */
function nounOf(parameter: ActionParameter): string | undefined {
  const words = wordsOf(parameter.name);
  const last = words[words.length - 1];
  if (last === 'id' && words.length > 1) return words[words.length - 2];
  return words.length === 1 ? words[0] : undefined;
}

interface Provider {
  action: ActionDefinition;
  itemsPath: string;
  nameField?: string;
}

/** A list action whose items carry the id that `noun` refers to (conversations_list for "channel"). */
function findProvider(
  connector: PlannableConnector,
  noun: string,
  exclude: string,
  namespace: ReadonlySet<string>,
): Provider | undefined {
  const alike = new Set([noun, ...synonyms(noun)].map(stem));
  const providers = connector.actions
    .filter((action) => action.id !== exclude && action.method === 'GET' && action.response?.itemsPath !== undefined)
    .filter((action) => action.response?.itemFields?.includes('id'))
    .filter((action) => action.parameters.every((p) => !p.required))
    .filter((action) =>
      [...wordsOf(action.id), ...wordsOf(action.resource), ...wordsOf(action.response?.itemsPath ?? '')]
        .filter((w) => !namespace.has(w))
        .some((w) => alike.has(w)),
    )
    .sort(
      (a, b) =>
        Number(wordsOf(b.id).includes('list')) - Number(wordsOf(a.id).includes('list')) ||
        a.id.length - b.id.length ||
        a.id.localeCompare(b.id),
    );
  const action = providers[0];
  if (!action) return undefined;
  const fields = action.response?.itemFields ?? [];
  return {
    action,
    itemsPath: action.response?.itemsPath ?? '',
    ...(fields.includes('name') ? { nameField: 'name' } : fields.includes('title') ? { nameField: 'title' } : {}),
  };
}

const textLike = /^(text|body|message|content|title|subject|summary|description|name|query|q)$/;

/** What a step of the plan leaves for later steps: "it" in "…, then fetch it". */
interface EarlierStep {
  stepNumber: number;
  action: ActionDefinition;
}

type PartOutcome =
  | { ok: true; steps: PlanStep[]; explanation: string[]; alternatives: Candidate[] }
  | { ok: false; closest: Candidate[] };

const nameLike = /^(name|title|summary|subject|label|display_?name)$/i;
const numberLike = /(limit|count|amount|quantity|size|number|price|total|max|per_?page|page_?size|age|year)$/i;

/** A question a person can answer, never a sentence copied from the vendor's reference. */
function questionFor(parameter: ActionParameter, action: ActionDefinition): string {
  const words = wordsOf(parameter.name).join(' ') || parameter.name;
  const thing = wordsOf(action.resource).join(' ') || 'it';
  if (/^(text|body|message|content)$/i.test(parameter.name)) return `What should the ${thing === 'chat' ? 'message' : thing} say?`;
  if (nameLike.test(parameter.name)) return `What should the ${thing} be called?`;
  if (/email/i.test(parameter.name)) return `Which email address should be used for ${words}?`;
  const noun = nounOf(parameter);
  if (noun && /(^|_|[a-z])(id|Id|ID)$/.test(parameter.name)) return `Which ${noun}? Give its id.`;
  if (parameter.enum?.length) return `Which ${words}: ${parameter.enum.slice(0, 8).map(String).join(', ')}?`;
  return `What ${words} should be used?`;
}

/** One step of the goal ("create a widget named Foo"), with the steps it needs first. */
function planPart(connector: PlannableConnector, part: string, namespace: ReadonlySet<string>, offset: number, earlier?: EarlierStep): PartOutcome {
  const facts = factsOf(part);
  const pointsBack = earlier !== undefined && /\b(it|them|that|this|those|these)\b/i.test(part);
  // "fetch it": the thing is the earlier step's.
  if (pointsBack && earlier && facts.words.every((word) => isIntentWord(word) || !word)) {
    // One thing ("it"), so the action that reads one: get, not list.
    facts.words = [...facts.words, ...wordsOf(earlier.action.resource), ...(/\b(it|that|this)\b/i.test(part) ? ['get'] : [])];
  }
  const ranked = rank(connector, facts, namespace);
  const target = ranked[0];
  if (!target || target.score < MIN_SCORE) return { ok: false, closest: ranked.slice(0, 5) };
  const action = connector.actions.find((candidate) => candidate.id === target.actionId)!;
  const steps: PlanStep[] = [];
  const parameters: Record<string, unknown> = {};
  const quoted = [...facts.quoted];
  const explanation: string[] = [];
  const lowerWords = new Set((part.toLowerCase().match(/[\p{L}\p{N}_-]+/gu) ?? []).map((word) => word.replace(/^#/, '')));

  // Enum values said in the goal (colours, statuses) fill the parameter that offers them, required or not.
  for (const parameter of action.parameters) {
    const said = parameter.enum?.find((value) => typeof value === 'string' && lowerWords.has(value.toLowerCase()));
    if (said !== undefined) parameters[parameter.name] = parameter.type === 'array' ? [said] : said;
  }
  const numbers = [...facts.numbers];
  for (const parameter of action.parameters.filter((p) => (p.required || textLike.test(p.name) || nameLike.test(p.name) || numberLike.test(p.name)) && !(p.name in parameters))) {
    const noun = nounOf(parameter);
    if (facts.ownerRepo && (parameter.name === 'owner' || parameter.name === 'repo')) {
      parameters[parameter.name] = facts.ownerRepo[parameter.name];
      continue;
    }
    if (facts.emails[0] && /email/i.test(parameter.name)) {
      parameters[parameter.name] = facts.emails[0];
      continue;
    }
    if (facts.named && nameLike.test(parameter.name)) {
      parameters[parameter.name] = facts.named;
      continue;
    }
    if ((parameter.type === 'integer' || parameter.type === 'number') && numbers.length > 0 && (parameter.required || numberLike.test(parameter.name))) {
      parameters[parameter.name] = numbers.shift();
      continue;
    }
    const idLike = parameter.required && noun !== undefined && /(^|_|[a-z])(id|Id|ID)$/.test(parameter.name);
    if (idLike && facts.ids[0]) {
      parameters[parameter.name] = facts.ids.shift();
      continue;
    }
    // "…, then fetch it": the id the earlier step's result carries.
    if (pointsBack && earlier && (idLike || (parameter.required && parameter.in === 'path'))) {
      parameters[parameter.name] = { $ref: { fromStep: earlier.stepNumber, select: 'id' } };
      explanation.push(`"${parameter.name}" is the id step ${earlier.stepNumber} (${earlier.action.id}) returns.`);
      continue;
    }
    const provider = parameter.required && noun && parameter.type === 'string' && !textLike.test(parameter.name)
      ? findProvider(connector, noun, action.id, namespace)
      : undefined;
    if (provider) {
      const name = noun === 'channel' || synonyms('channel').includes(noun!) ? facts.channelNames[0] : undefined;
      steps.push({
        actionId: provider.action.id,
        parameters: {},
        why: `${action.id} needs "${parameter.name}"; ${provider.action.id} lists ${provider.itemsPath || 'items'} with their id${provider.nameField ? ` and ${provider.nameField}` : ''}.`,
      });
      parameters[parameter.name] = {
        $ref: {
          fromStep: offset + steps.length,
          ...(provider.itemsPath ? { itemsPath: provider.itemsPath } : {}),
          ...(name && provider.nameField ? { where: { [provider.nameField]: name } } : {}),
          select: 'id',
        },
      };
      if (!name || !provider.nameField) {
        explanation.push(`The first item of ${provider.action.id} is used for "${parameter.name}" unless you narrow it with a name (e.g. #general).`);
      }
      continue;
    }
    if ((textLike.test(parameter.name) || nameLike.test(parameter.name)) && quoted.length > 0) {
      parameters[parameter.name] = quoted.shift();
      continue;
    }
    if (parameter.required) parameters[parameter.name] = { $ask: { ask: questionFor(parameter, action) } };
  }
  // Slack's text is optional only because blocks can replace it: a message still needs content.
  const content = action.parameters.find((p) => /^(text|body|message|content)$/.test(p.name));
  if (facts.intent === 'create' && content && !(content.name in parameters)) {
    parameters[content.name] = { $ask: { ask: questionFor(content, action) } };
  }
  steps.push({ actionId: action.id, parameters, why: target.why });
  return { ok: true, steps, explanation: [`Step ${offset + steps.length}: ${action.id} — ${target.why}.`, ...explanation], alternatives: ranked.slice(1, 4) };
}

/** A goal's parts: "create a widget named Foo, then fetch it" is two (quoted text is never split). */
export function splitGoal(goal: string): string[] {
  const quotes: string[] = [];
  const masked = goal.replace(/["“][^"”]*["”]/g, (quote) => `\u0000${quotes.push(quote) - 1}\u0000`);
  const verbs = 'send|post|create|add|get|fetch|list|update|delete|remove|show|read|find|invite|close|archive|assign|notify|reply';
  return masked
    .split(new RegExp(`\\s*(?:[,;]?\\s*(?:\\band\\s+)?\\bthen\\b|;|,?\\s*\\band\\b(?=\\s+(?:${verbs})\\b))\\s*`, 'i'))
    .map((part) => part.replace(/\u0000(\d+)\u0000/g, (_match, index: string) => quotes[Number(index)]!).trim())
    .filter((part) => part.length > 0);
}

export function planGoal(connector: PlannableConnector, goal: string): PlanOutcome {
  const namespace = namespaceOf(connector);
  const steps: PlanStep[] = [];
  const explanation: string[] = [];
  let alternatives: Candidate[] = [];
  let earlier: EarlierStep | undefined;
  for (const part of splitGoal(goal)) {
    const outcome = planPart(connector, part, namespace, steps.length, earlier);
    if (!outcome.ok) {
      return {
        status: 'no_plan',
        message: `No action of "${connector.id}" clearly reaches "${part}". These come closest; rephrase the goal with words from their ids, or call get_action_details on one.`,
        closest: outcome.closest,
      };
    }
    explanation.push(
      ...outcome.steps.slice(0, -1).map((step, index) => `Step ${steps.length + index + 1}: ${step.actionId} — ${step.why}`),
      ...outcome.explanation,
    );
    steps.push(...outcome.steps);
    alternatives = alternatives.length > 0 ? alternatives : outcome.alternatives;
    earlier = { stepNumber: steps.length, action: connector.actions.find((action) => action.id === steps.at(-1)!.actionId)! };
  }
  return { status: 'planned', plan: { connectorId: connector.id, goal, steps }, explanation: explanation.join('\n'), missingInputs: missingInputsOf(steps), alternatives };
}

/** The values a plan still asks the user for, keyed "<step>.<parameter>" as execute_plan's inputs are. */
export function missingInputsOf(steps: readonly PlanStep[]): Array<{ key: string; ask: string }> {
  return steps.flatMap((step, index) =>
    Object.entries(step.parameters).flatMap(([name, value]) =>
      typeof value === 'object' && value !== null && '$ask' in value ? [{ key: `${index + 1}.${name}`, ask: (value as { $ask: { ask: string } }).$ask.ask }] : [],
    ),
  );
}
