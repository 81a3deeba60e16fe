import type { ActionDefinition, ActionParameter } from '../connectors/schema.js';
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
  ownerRepo?: { owner: string; repo: string };
}

function factsOf(goal: string): GoalFacts {
  const ownerRepo = /\b([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\b/.exec(goal);
  // Literal values (quoted text, #channels, emails, owner/repo) say what to send, not which action.
  const words = wordsOf(
    goal
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
    quoted: [...goal.matchAll(/["“']([^"”']{1,500})["”']/g)].map((m) => m[1]!),
    emails: [...goal.matchAll(/[\w.+-]+@[\w-]+\.[\w.-]+/g)].map((m) => m[0]),
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

function rank(connector: PlannableConnector, facts: GoalFacts, namespace: ReadonlySet<string>): Candidate[] {
  return connector.actions
    .map((action) => score(action, facts, namespace))
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

export function planGoal(connector: PlannableConnector, goal: string): PlanOutcome {
  const facts = factsOf(goal);
  const namespace = namespaceOf(connector);
  const ranked = rank(connector, facts, namespace);
  const target = ranked[0];
  if (!target || target.score < MIN_SCORE) {
    return {
      status: 'no_plan',
      message: `No action of "${connector.id}" clearly reaches "${goal}". These come closest; rephrase the goal with words from their ids, or call get_action_details on one.`,
      closest: ranked.slice(0, 5),
    };
  }
  const action = connector.actions.find((candidate) => candidate.id === target.actionId)!;
  const steps: PlanStep[] = [];
  const finalParameters: Record<string, unknown> = {};
  const missingInputs: Array<{ key: string; ask: string }> = [];
  const quoted = [...facts.quoted];
  const explanation: string[] = [`Step ${'{final}'}: ${action.id} — ${target.why}.`];

  for (const parameter of action.parameters.filter((p) => p.required || textLike.test(p.name))) {
    const noun = nounOf(parameter);
    if (facts.ownerRepo && (parameter.name === 'owner' || parameter.name === 'repo')) {
      finalParameters[parameter.name] = facts.ownerRepo[parameter.name];
      continue;
    }
    if (facts.emails[0] && /email/i.test(parameter.name)) {
      finalParameters[parameter.name] = facts.emails[0];
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
      finalParameters[parameter.name] = {
        $ref: {
          fromStep: steps.length,
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
    if (textLike.test(parameter.name) && quoted.length > 0) {
      finalParameters[parameter.name] = quoted.shift();
      continue;
    }
    if (parameter.required) {
      const ask = parameter.description ? `${parameter.name}: ${parameter.description}` : `a value for ${parameter.name}`;
      finalParameters[parameter.name] = { $ask: { ask } };
    }
  }
  // Slack's text is optional only because blocks can replace it: a message still needs content.
  const content = action.parameters.find((p) => /^(text|body|message|content)$/.test(p.name));
  if (facts.intent === 'create' && content && !(content.name in finalParameters)) {
    finalParameters[content.name] = { $ask: { ask: `${content.name}: ${content.description ?? 'the content to send'}` } };
  }
  steps.push({ actionId: action.id, parameters: finalParameters, why: target.why });
  steps.forEach((step, index) => {
    for (const [name, value] of Object.entries(step.parameters)) {
      if (typeof value === 'object' && value !== null && '$ask' in value) {
        missingInputs.push({ key: `${index + 1}.${name}`, ask: (value as { $ask: { ask: string } }).$ask.ask });
      }
    }
  });
  const lead = steps.slice(0, -1).map((step, index) => `Step ${index + 1}: ${step.actionId} — ${step.why}`);
  return {
    status: 'planned',
    plan: { connectorId: connector.id, goal, steps },
    explanation: [...lead, explanation[0]!.replace('{final}', String(steps.length)), ...explanation.slice(1)].join('\n'),
    missingInputs,
    alternatives: ranked.slice(1, 4),
  };
}
