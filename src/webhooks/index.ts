export { createWebhookReceiver, type WebhookReceiver } from './receiver';
export { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_SECRET_HEADER, MIN_SECRET_LENGTH } from './receiver-defaults';
export {
  receiverOptionsSchema,
  resolveReceiverOptions,
  type WebhookReceiverOptions,
  type WebhookResult,
} from './receiver-options';
export { signalAnnotationPipeline, type PipelineStartOptions } from './signal-pipeline';
export { parseAnnotationEvent } from './parse-event';
export type { PipelineEnded } from './pipeline-watch';
export type { AnnotationEvent, AnnotationEvents } from '../workflows/annotation-events';
export type { PipelineCarry } from '../workflows/pipeline-types';
export type { PipelineEnd } from '../workflows/pipeline-end';
export type { JournalMarks } from '../workflows/journal-deliveries';
