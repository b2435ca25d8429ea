import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from './route';

describe('the route in the URL fragment', () => {
  it('reads the view, and a conversation for the log only', () => {
    expect(parseRoute('')).toEqual({ view: 'overview', conversation: null });
    expect(parseRoute('#rules')).toEqual({ view: 'rules', conversation: null });
    expect(parseRoute('#nowhere')).toEqual({ view: 'overview', conversation: null });
    expect(parseRoute('#log?conversation=s%3Aabc%3Fx%3Dy')).toEqual({ view: 'log', conversation: 's:abc?x=y' });
    expect(parseRoute('#rules?conversation=s%3Aabc')).toEqual({ view: 'rules', conversation: null });
    expect(parseRoute('#log?conversation=')).toEqual({ view: 'log', conversation: null });
  });

  it('writes what it reads', () => {
    const route = { view: 'log', conversation: 'h:9a8b 7c/6d&e' } as const;
    expect(parseRoute(`#${routeHash(route)}`)).toEqual(route);
    expect(routeHash({ view: 'charts', conversation: null })).toBe('charts');
  });
});
