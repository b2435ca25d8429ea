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
  /**
   * The lines of the system prompt's text (or message i's) that begin with `phrase`, in order,
   * each up to its end, found without parsing the part (request-body.ts reads them off the
   * bytes); absent: the part's whole text is read.
   */
  linesFrom?(part: 'system' | number, phrase: string): string[];
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
    const texts = source.linesFrom?.(part, WORKING_DIRECTORY_PHRASE) ?? [textOf(part === 'system' ? source.system() : source.content(part))];
    // The first place the phrase has something after it, as one search of the whole text finds.
    const match = texts.map((text) => WORKING_DIRECTORY.exec(text)).find((found) => found !== null);
    const path = match?.[1].trim();
    if (path && path.length <= 4096) return path;
  }
  return undefined;
}
