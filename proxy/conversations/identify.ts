// Which conversation a request belongs to, and which project: Claude Code names its session in
// `metadata.user_id` (a JSON string with `session_id`; older versions wrote
// `user_…_session_<uuid>`) and states its working directory in a system message. Other clients
// get a stable hash of the system prompt and the first user turn, the part of a conversation
// that every later turn resends unchanged.
import { createHash } from 'node:crypto';
import { sessionConversationId } from '../../contracts/stats';
import type { ContentBlock, MessagesRequest } from '../wire';

export interface ConversationRef {
  /** `s:<session id>` or `h:<hash of the opening>`. */
  id: string;
  /** The working directory the client declares, when it does. */
  project?: string;
}

const LEGACY_SESSION = /_session_([0-9a-f-]{8,})$/i;
const WORKING_DIRECTORY_PHRASE = 'Primary working directory:';
const WORKING_DIRECTORY = new RegExp(`${WORKING_DIRECTORY_PHRASE} *([^\\n]+)`);
/** Ids come from the client: bounded, printable. */
const SAFE_ID = /^[\w.:-]{1,100}$/;
/** The environment section sits near the top of Claude Code's system text; no need to scan a whole prompt. */
const PROJECT_SCAN_CHARS = 20_000;

/**
 * What identifying a conversation reads of a request: from the parsed request (sourceOf), or
 * from its bytes without parsing its whole history (proxy/request/request-body.ts).
 */
export interface ConversationSource {
  metadata: unknown;
  system(): unknown;
  /** Each message's role, in order (undefined for an entry that is not a message). */
  roles(): readonly unknown[];
  /** Message i's content. */
  content(i: number): unknown;
  /** False when the system prompt (or message i) cannot hold `phrase`, told before parsing it; true when it may. */
  mayHold?(part: 'system' | number, phrase: string): boolean;
}

export function sourceOf(request: MessagesRequest): ConversationSource {
  return {
    metadata: request.metadata,
    system: () => request.system,
    roles: () => request.messages.map((m) => m?.role),
    content: (i) => request.messages[i]?.content,
  };
}

export function identifyConversation(source: ConversationSource): ConversationRef | null {
  const roles = source.roles();
  const project = projectIn(source, roles);
  const session = sessionId(source.metadata);
  if (session) return { id: sessionConversationId(session), ...(project && { project }) };
  const opening = openingText(source, roles);
  if (!opening) return null;
  return { id: `h:${createHash('sha256').update(opening).digest('hex').slice(0, 24)}`, ...(project && { project }) };
}

function sessionId(metadata: unknown): string | null {
  const userId = (metadata as { user_id?: unknown } | undefined)?.user_id;
  if (typeof userId !== 'string' || userId.length > 2_000) return null;
  if (userId.startsWith('{')) {
    try {
      const session = (JSON.parse(userId) as { session_id?: unknown }).session_id;
      return typeof session === 'string' && SAFE_ID.test(session) ? session : null;
    } catch {
      return null;
    }
  }
  const legacy = LEGACY_SESSION.exec(userId);
  return legacy && SAFE_ID.test(legacy[1]) ? legacy[1] : null;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const block of content as ContentBlock[]) if (block?.type === 'text' && typeof block.text === 'string') out += `${block.text}\n`;
  return out;
}

/** The system prompt and the first user turn, as text ('' when the request has neither). */
function openingText(source: ConversationSource, roles: readonly unknown[]): string {
  const firstUser = roles.indexOf('user');
  const system = textOf(source.system());
  const user = firstUser >= 0 ? textOf(source.content(firstUser)) : '';
  return system || user ? `${system}\u0000${user}` : '';
}

/** The working directory the request declares (Claude Code: "Primary working directory: …"). */
export function declaredProject(request: MessagesRequest): string | undefined {
  const source = sourceOf(request);
  return projectIn(source, source.roles());
}

function projectIn(source: ConversationSource, roles: readonly unknown[]): string | undefined {
  const parts: Array<'system' | number> = ['system'];
  roles.forEach((role, i) => role === 'system' && parts.push(i));
  for (const part of parts) {
    if (source.mayHold?.(part, WORKING_DIRECTORY_PHRASE) === false) continue;
    const text = part === 'system' ? source.system() : source.content(part);
    const match = WORKING_DIRECTORY.exec(textOf(text).slice(0, PROJECT_SCAN_CHARS));
    const path = match?.[1].trim();
    if (path && path.length <= 4096) return path;
  }
  return undefined;
}
