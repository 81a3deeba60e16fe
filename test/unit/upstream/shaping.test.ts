import { describe, expect, it } from 'vitest';
import { boundResult, capArrays, shapeResponse, SHAPING } from '../../../src/upstream/shaping.js';

const action = {
  id: 'users_list',
  parameters: [
    { name: 'limit', in: 'query' as const, type: 'integer' as const, required: false, description: 'Limit results (e.g., 10)' },
    { name: 'query', in: 'query' as const, type: 'string' as const, required: false, description: 'Search by name' },
  ],
  response: { itemsPath: 'users', itemFields: ['id', 'name', 'email'] },
};
const users = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `U${i}`, name: `User ${i}`, email: `u${i}@x.io`, bio: 'long' }));

describe('shapeResponse', () => {
  it('passes fewer than 25 items through', () => {
    expect(shapeResponse({ users: users(24) }, action).data).toEqual({ users: users(24) });
  });

  it('cuts 25 to 50 items to the first 25 with metadata', () => {
    const { data } = shapeResponse(users(45), { ...action, response: {} });
    expect(data).toEqual({
      data: users(25),
      metadata: { originalCount: 45, displayedCount: 25, truncated: true, paginationHint: 'Showing first 25 of 45 items.' },
    });
    expect((shapeResponse({ users: users(50) }, action).data as { metadata: { originalCount: number } }).metadata.originalCount).toBe(50);
  });

  it('turns more than 50 items into guidance built from the action parameters', () => {
    const data = shapeResponse({ users: users(298) }, action).data as Record<string, any>;
    expect(data.needsRefinement).toBe(true);
    expect(data.message).toBe('Found 298 users. This is too many to display effectively.');
    expect(data.suggestions[0]).toBe('Try: users_list with limit parameter (e.g., { limit: 10 })');
    expect(data.searchInstructions).toBe(
      'You can search using:\n- limit (query): Limit results (e.g., 10)\n- query (query): Search by name',
    );
    expect(data.samples).toEqual([
      { id: 'U0', name: 'User 0', email: 'u0@x.io' },
      { id: 'U1', name: 'User 1', email: 'u1@x.io' },
      { id: 'U2', name: 'User 2', email: 'u2@x.io' },
    ]);
  });

  it('caps arrays anywhere at 1000 items', () => {
    const { value, dropped } = capArrays({ a: { b: Array.from({ length: 1500 }, (_, i) => i) } });
    expect((value as { a: { b: number[] } }).a.b).toHaveLength(1000);
    expect(dropped).toBe(500);
    expect(shapeResponse({ nested: { list: Array.from({ length: 1200 }, () => 1) } }, { ...action, response: {} }).notes[0]).toMatch(/1000/);
  });

  it('bounds what goes back through Temporal and says so', () => {
    const big = { text: 'x'.repeat(SHAPING.maxResultBytes + 10) };
    const bounded = boundResult(big, []);
    expect(JSON.stringify(bounded.data).length).toBeLessThan(SHAPING.maxResultBytes);
    expect(bounded.notes[0]).toMatch(/limit/);
  });

  describe('without a declared list location', () => {
    const bare = { ...action, response: {} };

    it('shapes the one top-level field that holds a list of objects, and says which', () => {
      const { data, notes } = shapeResponse({ total: 30, next: 'c2', widgets: users(30) }, bare);
      expect(data).toMatchObject({ data: { total: 30, next: 'c2', widgets: users(25) }, metadata: { originalCount: 30, displayedCount: 25 } });
      expect(notes).toEqual(['users_list declares no list location; shaped the field "widgets" of 30 items.']);
      const refined = shapeResponse({ widgets: users(60), tags: ['a', 'b'] }, bare);
      expect(refined.data).toMatchObject({ needsRefinement: true, message: 'Found 60 widgets. This is too many to display effectively.' });
      expect(refined.notes).toEqual(['users_list declares no list location; shaped the field "widgets" of 60 items.']);
    });

    it('shapes a body that is itself a list, and says so', () => {
      expect(shapeResponse(users(30), bare).notes).toEqual(['users_list declares no list location; shaped the response body, a list of 30 items.']);
    });

    it('leaves ambiguous and scalar lists alone', () => {
      const two = { a: users(30), b: users(30) };
      expect(shapeResponse(two, bare)).toEqual({ data: two, notes: [] });
      const scalars = { ids: Array.from({ length: 60 }, (_, i) => i) };
      expect(shapeResponse(scalars, bare)).toEqual({ data: scalars, notes: [] });
    });

    it('falls back to looking when the declared location is absent, and follows array indices', () => {
      const wrong = { ...action, response: { itemsPath: 'members' } };
      expect(shapeResponse({ users: users(30) }, wrong).notes[0]).toMatch(/shaped the field "users"/);
      const graph = { ...action, response: { itemsPath: 'data.boards.0.items' } };
      const { data, notes } = shapeResponse({ data: { boards: [{ items: users(30) }] } }, graph);
      expect(notes).toEqual([]);
      expect((data as any).data.data.boards[0].items).toHaveLength(25);
    });
  });
});
