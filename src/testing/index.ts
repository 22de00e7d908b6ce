// label-studio-temporal/testing: for users' own tests. Needs @temporalio/testing (an optional peer dependency).
export { LabelStudioSimulator, type RequestRecord, type SimulatorOptions, type StorageInit, type SyncOutcome, type Fault, type AuthScheme, type Organization, type RandomFaultOptions, type StorageType, SimClock } from '../simulator';
export { createTestEnvironment, type TestEnvironmentOptions } from './test-environment';
