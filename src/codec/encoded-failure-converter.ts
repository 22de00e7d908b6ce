import { DefaultFailureConverter } from '@temporalio/common';

/**
 * The failure converter of an encrypting data converter: a failure's message and stack trace go
 * into its encoded attributes, a payload the codec encrypts, and history keeps "Encoded failure".
 * Loaded by path (DataConverter.failureConverterPath): by the worker for activity failures and,
 * bundled with the workflows, for workflow failures. Pure, as workflow code must be.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
