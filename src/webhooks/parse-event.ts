import { ANNOTATION_ACTIONS, isAnnotationAction, type AnnotationEvent } from '../workflows/annotation-events';
import { WebhookRejection } from './rejection';
import { MAX_JSON_DEPTH } from './receiver-options';

/**
 * Reads a Label Studio webhook body: {"action": ..., "project": {"id": ...}, "annotation" | "annotations": ...}.
 * The project may instead come from the URL (?project=<id>), for webhooks that send no payload.
 */
export function parseAnnotationEvent(body: string, projectInUrl: string | null): AnnotationEvent {
  if (nestingDepth(body) > MAX_JSON_DEPTH) throw new WebhookRejection(400, `body nests deeper than ${MAX_JSON_DEPTH} levels`);
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch (err) {
    throw new WebhookRejection(400, `body is not JSON (${(err as Error).message})`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new WebhookRejection(400, 'body is not a JSON object');
  const record = payload as Record<string, unknown>;
  const { action } = record;
  if (action === undefined) throw new WebhookRejection(400, 'no "action" in the body');
  if (!isAnnotationAction(action)) {
    throw new WebhookRejection(400, `unknown action ${JSON.stringify(action)}: this receiver takes ${ANNOTATION_ACTIONS.join(', ')} (send only those from the webhook)`);
  }
  return { action, project: projectOf(record.project, projectInUrl), annotations: countOf(record.annotation ?? record.annotations) };
}

function projectOf(inBody: unknown, inUrl: string | null): number {
  const fromBody = inBody === undefined ? undefined : typeof inBody === 'object' && inBody !== null ? (inBody as { id?: unknown }).id : inBody;
  const fromUrl = inUrl === null ? undefined : /^\d+$/.test(inUrl) ? Number(inUrl) : NaN;
  if (fromUrl !== undefined && !isProjectId(fromUrl)) throw new WebhookRejection(400, `?project=${inUrl} is not a project id`);
  if (inBody !== undefined && !isProjectId(fromBody)) throw new WebhookRejection(400, `"project" in the body has no numeric id`);
  if (fromBody !== undefined && fromUrl !== undefined && fromBody !== fromUrl) {
    throw new WebhookRejection(400, `the body names project ${fromBody} but the URL project ${fromUrl}`);
  }
  const project = fromBody ?? fromUrl;
  if (project === undefined) throw new WebhookRejection(400, 'no project: the body has no "project" (turn on "send payload") and the URL no ?project=<id>');
  return project as number;
}

function isProjectId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function countOf(annotations: unknown): number {
  if (Array.isArray(annotations)) return annotations.length;
  return typeof annotations === 'object' && annotations !== null ? 1 : 0;
}

/**
 * The deepest nesting of brackets outside strings, in one pass that stops past the limit: JSON.parse
 * of a 4 MB body nested two million levels deep held the event loop for 2 s.
 */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) deepest = depth;
      if (deepest > MAX_JSON_DEPTH) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
