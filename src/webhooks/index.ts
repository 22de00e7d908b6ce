export { createWebhookReceiver, DEFAULT_MAX_BODY_BYTES, DEFAULT_SECRET_HEADER, MIN_SECRET_LENGTH, type WebhookReceiver, type WebhookReceiverOptions, type WebhookResult } from './receiver';
export { signalAnnotationPipeline, type PipelineStartOptions } from './signal-pipeline';
export { parseAnnotationEvent } from './parse-event';
