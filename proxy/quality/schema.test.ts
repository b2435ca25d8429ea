import { describe, expect, it } from 'vitest';
import { checkQuality } from './index';
import { draftMessage, requestFor } from '../../test/fixtures/messages';
import { validatorFor } from './schema';

describe('tool input schemas', () => {
  it('compiles each distinct schema once, whatever object carries it', () => {
    const schema = () => ({ type: 'object', properties: { path: { type: 'string' } }, required: ['path'] });
    const first = validatorFor(schema());
    expect(first).not.toBeNull();
    expect(validatorFor(schema())).toBe(first);
    expect(validatorFor({ ...schema(), required: [] })).not.toBe(first);
  });

  it('validates two tools whose different schemas carry the same $id', () => {
    const schema = (required: string) => ({ $id: 'input', type: 'object', properties: { [required]: { type: 'string' } }, required: [required] });
    const path = validatorFor(schema('path'));
    const command = validatorFor(schema('command'));
    expect(path?.({ path: 'a' })).toBe(true);
    expect(command?.({ path: 'a' })).toBe(false);
    expect(command?.({ command: 'ls' })).toBe(true);
  });

  it('accepts schemas of any draft and ignores unknown formats and keywords', () => {
    const validate = validatorFor({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { url: { type: 'string', format: 'uri-template-ish' }, mode: { type: 'string', 'x-ui': 'select' } },
      required: ['url'],
    });
    expect(validate?.({ url: 'anything' })).toBe(true);
    expect(validate?.({})).toBe(false);
  });

  it('skips validation for a schema that cannot be compiled instead of failing the draft', () => {
    const broken = { name: 'Odd', input_schema: { type: 'object', properties: { a: { type: 'not-a-type' } } } };
    expect(validatorFor(broken.input_schema)).toBeNull();
    const call = draftMessage([{ type: 'tool_use', id: 't1', name: 'Odd', input: { a: 1 } }], 'tool_use');
    expect(checkQuality(requestFor('Do the odd thing with a = 1', { tools: [broken] }), call).signals.filter((s) => s.penalty > 0)).toEqual([]);
  });
});
