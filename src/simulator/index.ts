// A Label Studio storage-API simulator for testing sync clients without a Label Studio server.
export { LabelStudioSimulator, type RequestRecord, type SimulatorOptions } from './server';
export { type StorageType } from './catalog';
export { SimClock } from './clock';
export { type Organization, type StorageInit, type SyncOutcome } from './storages';
export { mulberry32, RANDOM_FAULT_KINDS, type Fault, type RandomFaultKind, type RandomFaultOptions } from './faults';
export { type AuthScheme } from './auth';
