import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** `<connection>/<type>/<id>`: find every sync of one storage. */
export const STORAGE_KEY = defineSearchAttributeKey('LabelStudioStorage', SearchAttributeType.KEYWORD);
/** running, then the outcome. */
export const SYNC_STATUS = defineSearchAttributeKey('LabelStudioSyncStatus', SearchAttributeType.KEYWORD);

/** The attributes a server must know before workflows are started with them (name → type). */
export const SEARCH_ATTRIBUTE_DEFINITIONS = {
  LabelStudioStorage: 'Keyword',
  LabelStudioSyncStatus: 'Keyword',
  LabelStudioProject: 'Keyword',
} as const;

/** `<connection>/<project>`: find a project's fan-outs, pipelines and schedules. */
export const PROJECT_KEY = defineSearchAttributeKey('LabelStudioProject', SearchAttributeType.KEYWORD);

/** The keys of SEARCH_ATTRIBUTE_DEFINITIONS, for servers registered from typed keys (TestWorkflowEnvironment). */
export const SEARCH_ATTRIBUTE_KEYS = [STORAGE_KEY, SYNC_STATUS, PROJECT_KEY] as const;
