// The structural tool checks (tool-count, tool-fit, tool-history, tool-files) through the
// production checker, with hand-built requests and drafts.
import { describe, expect, it } from 'vitest';
import type { ContentBlock, Message, ToolDefinition } from '../wire';
import { checkQuality } from './index';
import { draftMessage, requestFor } from '../../test/fixtures/messages';

const tool = (name: string, description: string, properties: Record<string, object>, required = Object.keys(properties)): ToolDefinition => ({
  name,
  description,
  input_schema: { type: 'object', properties, required },
});
const num = { type: 'number' };
const str = { type: 'string' };
let ids = 0;
const call = (name: string, input: unknown): ContentBlock => ({ type: 'tool_use', id: `toolu_${++ids}`, name, input });
const judge = (question: string | Message[], tools: ToolDefinition[], content: ContentBlock[] | string) =>
  checkQuality(requestFor(question, { tools }), draftMessage(content, typeof content === 'string' ? 'end_turn' : 'tool_use'));
const signal = (result: ReturnType<typeof checkQuality>, name: string) => result.signals.find((s) => s.name === name);

const factorial = tool('math_factorial', 'Calculate the factorial of a positive integer.', { number: num });
const gcd = tool('gcd', 'Greatest common divisor of two integers.', { num1: num, num2: num });
const lcm = tool('lcm', 'Least common multiple of two integers.', { num1: num, num2: num });
const play = tool('spotify_play', 'Play songs of an artist for a while.', { artist: str, duration: num });
const weather = tool('get_weather', 'Current weather for a city, e.g. San Diego, CA.', { city: str });
const heat = tool('calculate_heat', 'Heat needed to warm a substance.', {
  mass: num,
  specific_heat: { type: 'number', description: 'Specific heat in J/kg°C, 4.184 for water.' },
  change_in_temp: num,
});

describe('tool-count: the number of calls against the items asked for', () => {
  it('flags one call where the question lists several values', () => {
    const result = judge('Find the factorial of 5, 10 and 15.', [factorial], [call('math_factorial', { number: 5 })]);
    expect(signal(result, 'tool_call_count')).toMatchObject({ penalty: 0.7, reason: expect.stringContaining("'10', '15'") });
    expect(result.confidence).toBeLessThan(0.5);
  });

  it('accepts one call per listed value', () => {
    const calls = [5, 10, 15].map((n) => call('math_factorial', { number: n }));
    const result = judge('Find the factorial of 5, 10 and 15.', [factorial], calls);
    expect(signal(result, 'tool_call_count')).toBeUndefined();
    expect(signal(result, 'tool_grounded')?.support).toBe(0.5);
    expect(result.confidence).toBeGreaterThan(0.9);
  });

  it('flags a listed name no call uses', () => {
    const result = judge(
      'Play songs from Taylor Swift and Maroon 5, for 20 minutes and 15 minutes respectively.',
      [play],
      [call('spotify_play', { artist: 'Taylor Swift', duration: 20 })],
    );
    expect(signal(result, 'tool_call_count')?.reason).toContain('Maroon 5');
  });

  it('does not count values one call uses together as several items', () => {
    const area = tool('area_rectangle', 'Area of a rectangle.', { length: num, breadth: num });
    const result = judge('Find the area of a rectangle with length 7 and breadth 3.', [area], [call('area_rectangle', { length: 7, breadth: 3 })]);
    expect(result.signals.filter((s) => s.penalty > 0)).toEqual([]);
    const range = tool('sum_of_multiples', 'Sum of multiples in a range.', { lower: num, upper: num });
    expect(judge('Sum the multiples between 1 and 1000.', [range], [call('sum_of_multiples', { lower: 1, upper: 1000 })]).signals.filter((s) => s.penalty > 0)).toEqual([]);
  });

  it('flags a second request the draft skipped: a named tool not called, numbers not used', () => {
    const result = judge('Calculate the GCD of 96 and 128, and the LCM of 15 and 25.', [gcd, lcm], [call('gcd', { num1: 96, num2: 128 })]);
    expect(signal(result, 'tool_not_called')?.reason).toContain("'lcm'");
    expect(signal(result, 'tool_unused_values')?.reason).toContain('15, 25');
  });

  it('flags the same call twice', () => {
    const result = judge('Weather in Paris?', [weather], [call('get_weather', { city: 'Paris' }), call('get_weather', { city: 'Paris' })]);
    expect(signal(result, 'tool_duplicate_call')).toBeDefined();
  });

  it('leaves an agent alone: Claude Code works one call at a time', () => {
    const read = tool('Read', 'Read a file', { file_path: str });
    const result = judge('Compare /p/a.ts and /p/b.ts', [read], [call('Read', { file_path: '/p/a.ts' })]);
    expect(signal(result, 'tool_call_count')).toBeUndefined();
  });
});

describe('tool-fit: a call when no tool fits, text when one does', () => {
  it('flags values the request never gave', () => {
    const angle = tool('calculate_vector_angle', 'Angle of a vector from its components.', { X_component: num, Y_component: num });
    const result = judge('How do I find the angle of the force for a given momentum?', [angle], [call('calculate_vector_angle', { X_component: 3, Y_component: 4 })]);
    expect(signal(result, 'tool_unstated_value')).toMatchObject({ reason: expect.stringContaining('X_component=3') });
    expect(signal(result, 'tool_unstated_value')!.penalty).toBeGreaterThan(0.6);
  });

  it('flags a required value copied from the tool description', () => {
    const result = judge(
      'What energy is needed to warm 3 kg of water by 4 degrees?',
      [heat],
      [call('calculate_heat', { mass: 3, specific_heat: 4.184, change_in_temp: 4 })],
    );
    expect(signal(result, 'tool_value_from_description')?.reason).toContain('specific_heat=4.184');
  });

  it('supports a call whose values are all in the question', () => {
    const result = judge('What is the weather in San Francisco today?', [weather], [call('get_weather', { city: 'San Francisco' })]);
    expect(signal(result, 'tool_grounded')).toBeDefined();
    expect(result.confidence).toBeGreaterThan(0.9);
  });

  it('flags text where a named tool fits', () => {
    const result = judge('Calculate the GCD of 96 and 128.', [gcd], 'The GCD of 96 and 128 is 32.');
    expect(signal(result, 'tool_not_called')).toBeDefined();
  });

  it('does not mark a correct "no tool fits" answer down as an apology', () => {
    const text = "I'm sorry, but none of the available functions can tell the mating process of lions: the provided tool only retrieves genetic traits.";
    const traits = tool('get_genetic_traits', 'Dominant and recessive traits of a species.', { species: str });
    const result = judge('What is the mating process of lions?', [traits], text);
    expect(result.signals.filter((s) => s.name === 'apology' || s.name === 'refusal')).toEqual([]);
    expect(signal(result, 'no_tool_fits')?.support).toBe(0.3);
    // Without tools the same opening is still an apology.
    expect(signal(checkQuality(requestFor('What is the mating process of lions?'), draftMessage(text)), 'apology')).toBeDefined();
  });
});

describe('tool-history: loops and repeated failures', () => {
  const bash = tool('Bash', 'Run a command', { command: str });
  const turn = (command: string, result: string, isError: boolean): Message[] => {
    const id = `toolu_h${++ids}`;
    return [
      { role: 'assistant', content: [{ type: 'tool_use', id, name: 'Bash', input: { command } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: result, ...(isError && { is_error: true }) }] },
    ];
  };

  it('flags a call that repeats, unchanged, the one that just failed', () => {
    const messages: Message[] = [{ role: 'user', content: 'Run the tests' }, ...turn('npm tset', 'npm: unknown command "tset"', true)];
    const result = judge(messages, [bash], [call('Bash', { command: 'npm tset' })]);
    expect(signal(result, 'tool_repeats_failed_call')).toMatchObject({ decisive: true, reason: expect.stringContaining('unknown command') });
    // Fixed, it passes; the same input with keys in another order is the same call.
    expect(signal(judge(messages, [bash], [call('Bash', { command: 'npm test' })]), 'tool_repeats_failed_call')).toBeUndefined();
  });

  it('flags a third identical call, not a second one', () => {
    const once: Message[] = [{ role: 'user', content: 'Check the status' }, ...turn('git status', 'clean', false)];
    expect(signal(judge(once, [bash], [call('Bash', { command: 'git status' })]), 'tool_loop')).toBeUndefined();
    const twice = [...once, ...turn('git status', 'clean', false)];
    expect(signal(judge(twice, [bash], [call('Bash', { command: ' git status ' })]), 'tool_loop')?.reason).toContain('2 times before');
  });
});

describe('tool-files: Claude Code file tools', () => {
  const edit = tool('Edit', 'Replace text', { file_path: str, old_string: str, new_string: str });
  const read = tool('Read', 'Read a file', { file_path: str });
  const inProject = (text: string): Message[] => [
    { role: 'user', content: text },
    { role: 'system', content: 'Primary working directory: /home/u/proj' },
  ];

  it('flags an Edit that changes nothing', () => {
    const result = judge('Fix it', [edit], [call('Edit', { file_path: '/home/u/proj/a.ts', old_string: 'x', new_string: 'x' })]);
    expect(signal(result, 'tool_noop_edit')).toMatchObject({ penalty: 0.9, decisive: true });
  });

  it('flags a relative path where Claude Code needs an absolute one', () => {
    expect(signal(judge('Read it', [read], [call('Read', { file_path: 'src/a.ts' })]), 'tool_relative_path')).toBeDefined();
  });

  it('flags paths outside the declared working directory, writes more than reads', () => {
    const outsideEdit = judge(inProject('Fix it'), [edit], [call('Edit', { file_path: '/etc/hosts', old_string: 'a', new_string: 'b' })]);
    expect(signal(outsideEdit, 'tool_outside_project')).toMatchObject({ penalty: 0.5, reason: expect.stringContaining('/home/u/proj') });
    const outsideRead = judge(inProject('Look'), [read], [call('Read', { file_path: '/home/u/projects-other/a.ts' })]);
    expect(signal(outsideRead, 'tool_outside_project')?.penalty).toBe(0.2);
    const inside = judge(inProject('Look'), [read], [call('Read', { file_path: '/home/u/proj/src/../a.ts' })]);
    expect(inside.signals).toEqual([]);
  });
});

describe('tool-fit: numbers in each other’s place', () => {
  const speed = tool('calculate_speed', 'Average speed.', { distance_m: { type: 'number', description: 'Distance in meters.' }, time_s: { type: 'number', description: 'Time in seconds.' } });
  const rectangle = tool('area_rectangle', 'Area of a rectangle.', { length: num, width: num });

  it('flags two numbers swapped between arguments, and passes them in place', () => {
    const q = 'Someone ran 1500 meters in 210 s. How fast was that?';
    expect(signal(judge(q, [speed], [call('calculate_speed', { distance_m: 210, time_s: 1500 })]), 'tool_swapped_args')?.reason).toContain('distance_m and time_s');
    expect(signal(judge(q, [speed], [call('calculate_speed', { distance_m: 1500, time_s: 210 })]), 'tool_swapped_args')).toBeUndefined();
    const r = 'A rectangle with length 7 and width 3: what is its area?';
    expect(signal(judge(r, [rectangle], [call('area_rectangle', { length: 3, width: 7 })]), 'tool_swapped_args')).toBeDefined();
    expect(signal(judge(r, [rectangle], [call('area_rectangle', { length: 7, width: 3 })]), 'tool_swapped_args')).toBeUndefined();
  });
});
