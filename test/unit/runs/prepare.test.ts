import { describe, expect, it } from 'vitest';
import type { Connector } from '../../../src/connectors/types.js';
import { validatePlan } from '../../../src/runs/prepare.js';

const connector = {
  id: 'chat',
  origin: 'custom',
  settings: { baseUrlVariables: {}, enabled: true },
  actions: [
    { id: 'list_rooms', parameters: [{ name: 'limit', in: 'query', type: 'integer', required: false }] },
    {
      id: 'post',
      parameters: [
        { name: 'room', in: 'body', type: 'string', required: true },
        { name: 'text', in: 'body', type: 'string', required: true },
      ],
    },
    { id: 'delete_post', parameters: [{ name: 'id', in: 'path', type: 'string', required: true }] },
  ],
} as unknown as Connector;

const roomRef = { $ref: { fromStep: 1, itemsPath: 'rooms', select: 'id' } };

describe('validatePlan', () => {
  it('accepts literals that fit, answered $asks, and defers $refs to the run', () => {
    const plan = {
      connectorId: 'chat',
      steps: [
        { actionId: 'list_rooms', parameters: { limit: 5 } },
        { actionId: 'post', parameters: { room: roomRef, text: { $ask: { ask: 'What to say?' } } }, compensation: { actionId: 'delete_post', parameters: { id: { $ref: { fromStep: 2, select: 'id' } } } } },
      ],
    };
    expect(() => validatePlan(connector, { plan, inputs: { '2.text': 'hello' } })).not.toThrow();
  });

  it('names each step with a bad literal, an unknown or missing parameter, or a wrongly typed answer', () => {
    const plan = {
      connectorId: 'chat',
      steps: [
        { actionId: 'list_rooms', parameters: { limit: 'five' } },
        { actionId: 'post', parameters: { rom: roomRef, text: { $ask: { ask: 'What to say?' } } }, compensation: { actionId: 'delete_post', parameters: {} } },
      ],
    };
    expect(() => validatePlan(connector, { plan, inputs: { '2.text': 42 } })).toThrow(
      expect.objectContaining({
        code: 'INVALID_REQUEST',
        message: expect.stringContaining('step 1 (list_rooms): limit'),
        details: {
          issues: [
            expect.objectContaining({ step: 1, actionId: 'list_rooms', parameter: 'limit' }),
            expect.objectContaining({ step: 2, actionId: 'post', parameter: 'room', message: 'required parameter is missing' }),
            expect.objectContaining({ step: 2, parameter: 'text' }),
            expect.objectContaining({ step: 2, parameter: 'rom', message: 'unknown parameter' }),
            expect.objectContaining({ step: 2, compensation: true, actionId: 'delete_post', parameter: 'id' }),
          ],
        },
      }),
    );
  });

  it('keeps the missing-inputs message when only $asks are unanswered', () => {
    const plan = { connectorId: 'chat', steps: [{ actionId: 'post', parameters: { room: 'R1', text: { $ask: { ask: 'What to say?' } } } }] };
    expect(() => validatePlan(connector, { plan, inputs: {} })).toThrow(
      expect.objectContaining({ message: 'The plan needs inputs that were not given', details: { issues: [{ input: '1.text', message: 'missing: What to say?' }] } }),
    );
  });
});
