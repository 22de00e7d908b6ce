import type { Command } from 'commander';
import type { StorageType } from '../../labelstudio/storage-types';
import type { StorageSelector, SyncProjectExportsInput } from '../../schema/project-sync-input';
import { MAX_PRIORITY_KEY } from '../../workflows/task-priority';
import { wholeNumber } from './whole-number';

/** Which of a project's storages to sync: the filters of syncProjectExports as flags. */
export interface ProjectFilterFlags {
  type?: string[];
  title?: string;
  titlePattern?: string;
  storage?: string[];
  concurrency?: string;
  priority?: number;
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

export function addProjectFilterOptions(command: Command): Command {
  return command
    .option('--type <types>', 'only these storage types (repeat or comma-separate)', collect)
    .option('--title <title>', 'only storages with exactly this title')
    .option('--title-pattern <regex>', 'only storages whose title matches this regular expression')
    .option('--storage <type:id>', 'only these storages, e.g. s3:12 (repeat or comma-separate)', collect)
    .option('--concurrency <n>', 'storage syncs at once (default 4)')
    .option('--priority <n>', `Temporal task priority of the storage syncs, 1 (first) to ${MAX_PRIORITY_KEY} (default 4 for sync-project and schedules, 2 for webhook pipelines)`, wholeNumber(1, MAX_PRIORITY_KEY));
}

/** Values are passed as given: the workflow's own input check names what is wrong. */
export function projectFilterFrom(o: ProjectFilterFlags): Pick<SyncProjectExportsInput, 'types' | 'title' | 'titlePattern' | 'storages' | 'concurrency' | 'priority'> {
  return {
    types: o.type as StorageType[] | undefined,
    title: o.title,
    titlePattern: o.titlePattern,
    storages: o.storage?.map(parseSelector),
    concurrency: o.concurrency === undefined ? undefined : Number(o.concurrency),
    priority: o.priority,
  };
}

function parseSelector(text: string): StorageSelector {
  const [type, id] = text.split(':');
  return { type: type as StorageType, id: Number(id) };
}
