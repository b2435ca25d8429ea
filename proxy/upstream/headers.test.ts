import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers';

describe('headers across the proxy', () => {
  it('drops the headers each request names in `connection`, whatever the previous request named', () => {
    const first = upstreamRequestHeaders({ connection: 'keep-alive, X-Trace', 'x-trace': '1', 'x-other': '2', 'x-api-key': 'k' }, null);
    expect(first).toMatchObject({ 'x-other': '2', 'x-api-key': 'k' });
    expect(first).not.toHaveProperty('x-trace');
    const second = upstreamRequestHeaders({ connection: 'x-other', 'x-trace': '1', 'x-other': '2', 'x-api-key': 'k' }, null);
    expect(second).toMatchObject({ 'x-trace': '1' });
    expect(second).not.toHaveProperty('x-other');
    const third = upstreamRequestHeaders({ 'x-trace': '1', 'x-other': '2', 'x-api-key': 'k' }, null);
    expect(third).toMatchObject({ 'x-trace': '1', 'x-other': '2' });
  });

  it('relays response headers but hop-by-hop ones and those `connection` names', () => {
    const out = clientResponseHeaders({ connection: 'close, x-hop', 'x-hop': 'a', 'keep-alive': 'timeout=5', 'content-length': '10', 'request-id': 'r', 'set-cookie': ['a=b'] });
    expect(out).toEqual({ 'request-id': 'r' });
    expect(clientResponseHeaders({ 'x-hop': 'a', 'request-id': 'r' })).toEqual({ 'x-hop': 'a', 'request-id': 'r' });
  });
});
