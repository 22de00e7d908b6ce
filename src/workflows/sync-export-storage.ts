import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  TimeoutFailure,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import type {
  Activities,
  AwaitSyncEndInput,
  AwaitSyncEndResult,
  PollHeartbeat,
  ReadStorageOptions,
  RequestRoute,
  StorageRead,
  StorageRef,
  StorageSnapshot,
  TriggerAndAwaitHeartbeat,
  TriggerSyncResult,
} from '../activities';
import type { EtaReport } from '../activities/sync-eta';
import { DEFAULT_READ_TIMEOUT_MS, DEFAULT_RESPONSE_TIMEOUT_MS } from '../config/timeouts';
import { FailureType } from '../failure-types';
import { isRunning } from '../labelstudio/storage-types';
import { ranOutOfTime } from './ran-out-of-time';
import { backoffDelay } from './retry-delay';
import { STORAGE_KEY, SYNC_STATUS } from './search-attributes';
import type { ResolvedSyncInput, SyncExportStorageInput } from '../schema/sync-input';
import { syncInputDefaults } from './fill-defaults';
import { resolveInput } from './resolve-input';
import { RunLineage } from './run-lineage';
import { judgeTargetCount, judgeTargetKeys, uncountedTarget, type TargetVerification } from './target-verification';
import { syncStateQuery, CANCELLATION_REPORT_MEMO, type AttemptStatus, type SyncAttemptRecord, type SyncOutcome, type SyncPhase, type SyncReport, type SyncState } from './sync-report';
import { taskPriority, TRIGGER_PRIORITY_KEY } from './task-priority';
import { declareVersioningBehavior } from './versioning-behavior';

/**
 * Workflows started before this id existed take any trigger failure as "no sync started" and
 * trigger again without reading first; from it on, Label Studio's meta.attempts decides.
 */
export const TRIGGER_NEVER_GUESSES_PATCH = 'lst-7-trigger-never-guesses';

/**
 * From this id on, the first read is a local activity: one marker in history instead of an
 * activity's three events and a workflow task's three. It implies the never-guessing trigger, so a
 * new sync records one patch marker, not two.
 */
export const LOCAL_FIRST_READ_PATCH = 'lst-9-local-first-read';

/**
 * From this id on, a sync without a request budget triggers and polls in one activity
 * (triggerAndAwaitSync): one activity task, one workflow task and six history events fewer. It
 * implies the local first read, so a new sync still records one patch marker.
 */
export const TRIGGER_AND_AWAIT_PATCH = 'lst-19-trigger-and-await';

/**
 * A sync whose job died (Label Studio's health check failed it) counts its retry backoff from the job's
 * last ping, when it actually stopped, not from when the check noticed: the retry comes as long after
 * the failure as the policy says. Workflows started before wait the whole backoff after noticing.
 */
export const DEAD_JOB_BACKOFF_PATCH = 'lst-16-dead-job-backoff';

/** Reads before anything was triggered: quick retries for transient errors, within the overall timeout. */
const REQUEST_RETRY = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 20 } as const;

/** Reads that decide whether a sync started: they retry for as long as the overall timeout allows. */
const DURABLE_READ_RETRY = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s' } as const;

/**
 * The sync POST gets fewer quick retries: Community validates the target inside the request and
 * answers 500 while it is gone, which is a failed attempt for the sync policy to retry, durably.
 * Five tries (about 11 s apart in all) keep a flaky proxy from costing an attempt; the 4 s cap keeps
 * a run of faults from stacking up minutes of backoff on top of the settle waits for unanswered POSTs.
 */
const TRIGGER_RETRY = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '4s', maximumAttempts: 5 } as const;

/**
 * Each poll check sets the delay to the next (nextRetryDelay: by the sync's expected end, or by the
 * policy's `poll` backoff), so the retry policy only spaces the checks that could set none: the
 * retry after a worker died mid-check comes within this, not after the poll's capped backoff.
 */
const POLL_RECOVERY_MAX_MS = 4_000;

/** Every Label Studio activity heartbeats while its call runs: a dead worker is noticed this fast. */
const HEARTBEAT_TIMEOUT_MS = 10_000;

/** Beyond its Label Studio calls, an activity's start-to-close allows this for everything else. */
const CALL_MARGIN_MS = 30_000;

/**
 * Label Studio calls an activity makes at most: a read or a poll is a token refresh and a GET (each
 * up to the read timeout); a trigger adds the POST, the reads that look for it and the wait for a
 * POST whose fate its answer left unknown (see trigger-sync.ts), each counted at the response timeout.
 */
const READ_CALLS = 2;
const TRIGGER_CALLS = 6;

/** Counting a target lists it page by page, heartbeating; a few retries cover a flaky endpoint. */
const TARGET_COUNT = { startToCloseTimeout: '30m', heartbeatTimeout: '2m', retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3 } } as const;

/**
 * Runs one export-storage sync to its end: read the baseline, trigger (or attach to the running
 * sync), wait with backoff, then branch on the outcome. Every attempt lands in the report.
 */
export async function syncExportStorage(input: SyncExportStorageInput): Promise<SyncReport> {
  const cfg = await resolveInput('syncExportStorage', input, syncInputDefaults);
  const ref: StorageRef = { connection: cfg.connection, type: cfg.storageType, id: cfg.storageId };
  const lineage = new RunLineage(ref);
  const run = new SyncRun(cfg, ref, lineage);
  setHandler(syncStateQuery, () => run.state());
  try {
    const report = await run.execute();
    await lineage.completed(report);
    return report;
  } catch (err) {
    if (isCancellation(err)) {
      const cancelled = await run.cancelled();
      await lineage.aborted();
      throw cancelled;
    }
    await lineage.failed(err);
    throw err;
  }
}
// Pinned (with Worker Deployment Versioning): a sync ends on the worker version that started it, so a
// release never replays a running sync with other code (docs/upgrades.md).
declareVersioningBehavior(syncExportStorage, 'PINNED');

class SyncRun {
  private readonly startedAt = new Date();
  private readonly deadline: number;
  private readonly records: SyncAttemptRecord[] = [];
  private readonly warnings: string[] = [];
  private readonly tracked = workflowInfo().typedSearchAttributes.get(STORAGE_KEY) !== undefined;
  /** Started with its status already `running` (startStorageSync does): no upsert needed, one event fewer. */
  private readonly startedRunning = workflowInfo().typedSearchAttributes.get(SYNC_STATUS) === 'running';
  private phase: SyncPhase = 'reading';
  private phaseSince = new Date();
  private attempt = 0;
  private syncAttempt: number | null = null;
  private attemptStartedAt = new Date();
  private mode: AttemptMode = 'triggered';
  private latest: StorageSnapshot | null = null;
  /** meta.attempts at the first read: how far it moves is how many syncs Label Studio ran meanwhile. */
  private firstAttempts: number | null = null;
  /** The syncs this workflow's own POSTs started (their meta.attempts). */
  private readonly ownSyncs = new Set<number>();
  /** The end triggerAndAwaitSync saw, for the attempt's wait to take. */
  private endSeen: AwaitSyncEndResult | undefined;
  /** The previous sync's duration, seen in the read before this attempt's trigger. */
  private previousDurationMs: number | null = null;
  private verification: TargetVerification | undefined;
  /** The worker's Label Studio timeouts: its defaults until the first read tells the real ones. */
  private responseTimeoutMs = DEFAULT_RESPONSE_TIMEOUT_MS;
  private readTimeoutMs = DEFAULT_READ_TIMEOUT_MS;
  /** The worker said in a read that it sends OpenLineage events. */
  private lineageOn = false;
  /**
   * The connection's request budget queue, from the first read's answer: every Label Studio call of
   * this sync goes there (the server dispatches them within the budget). Unset: the workflow's queue.
   */
  private requestQueue: string | undefined;
  private readonly triggersAndAwaits = patched(TRIGGER_AND_AWAIT_PATCH);
  private readonly localFirstRead = this.triggersAndAwaits || patched(LOCAL_FIRST_READ_PATCH);
  private readonly neverGuesses = this.localFirstRead || patched(TRIGGER_NEVER_GUESSES_PATCH);

  constructor(
    private readonly cfg: ResolvedSyncInput,
    private readonly ref: StorageRef,
    private readonly lineage: RunLineage,
  ) {
    this.deadline = this.startedAt.getTime() + cfg.timeoutMs;
  }

  state(): SyncState {
    return {
      phase: this.phase,
      attempt: this.attempt,
      syncAttempt: this.syncAttempt,
      phaseSince: this.phaseSince.toISOString(),
      attempts: [...this.records],
    };
  }

  async execute(): Promise<SyncReport> {
    if (!this.startedRunning) this.setStatusAttribute('running');
    this.latest = await this.firstRead();
    this.firstAttempts = this.latest.attempts;
    this.lineage.start(this.latest.project, this.lineageOn);
    for (;;) {
      this.attempt += 1;
      this.attemptStartedAt = new Date();
      const refused = await this.startOrAttach();
      if (refused) {
        await this.backOffOrGiveUp({ status: 'failed', traceback: refused });
        continue;
      }
      this.enter('waiting');
      const { eta, deadForMs, ...end } = this.endSeen ?? (await this.awaitEnd());
      this.endSeen = undefined;
      this.latest = end;
      this.record(end.status, end, eta);

      if (end.status === 'completed') return await this.succeed('completed');
      if (end.status === 'completed_with_errors') {
        const message = `sync of ${this.describe()} completed with errors${excerpt(end.traceback)}`;
        if (this.cfg.onCompletedWithErrors === 'warn') {
          log.warn(message, { attempt: this.attempt });
          this.warnings.push(message);
          return await this.succeed('completed_with_errors');
        }
        if (this.cfg.onCompletedWithErrors === 'fail') throw this.fail('completed_with_errors', FailureType.SyncCompletedWithErrors, message);
      }
      await this.backOffOrGiveUp(end, deadForMs);
    }
  }

  async cancelled(): Promise<CancelledFailure> {
    if (this.phase === 'syncing') {
      // Whether its POST went out is the activity's to know; a count past the attempt's baseline says it did.
      const baseline = this.latest!.attempts;
      await this.lastLook();
      if (this.latest!.attempts > baseline) {
        this.adopt({ snapshot: this.latest!, posted: true, syncAttempt: this.latest!.attempts });
        this.record('cancelled', this.latest);
      }
    } else if (this.phase === 'waiting') {
      if (this.neverGuesses) await this.lastLook();
      this.record('cancelled', this.latest);
    }
    if (this.syncAttempt !== null) {
      this.warnings.push(`Label Studio cannot cancel a sync: sync #${this.syncAttempt} of ${this.describe()} may still be running`);
    }
    this.setStatusAttribute('cancelled');
    // A cancelled workflow closes without message or details, so the report goes into its memo.
    upsertMemo({ [CANCELLATION_REPORT_MEMO]: this.report('cancelled') });
    return new CancelledFailure('sync workflow cancelled');
  }

  /** Starts the attempt's sync or attaches to a running one; returns Label Studio's error when it refused to start one. */
  private async startOrAttach(): Promise<string | undefined> {
    if (this.attempt > 1 && this.neverGuesses) {
      // A fresh baseline: a trigger that landed late, or a sync started meanwhile, is joined, not doubled.
      const known = this.latest!.attempts;
      this.enter('reading');
      this.latest = await this.durableRead();
      if (this.latest.attempts > known) return this.attachLanded(this.latest);
    }
    const baseline = this.latest!;
    if (this.attempt === 1 && this.cfg.attachToRunning && isRunning(baseline.status)) {
      this.syncAttempt = baseline.attempts;
      this.mode = 'attached';
      log.info('attaching to the sync already running', { syncAttempt: baseline.attempts });
      return undefined;
    }
    this.enter('triggering');
    this.mode = 'triggered';
    if (endedWell(baseline) && baseline.duration) this.previousDurationMs = baseline.duration * 1000;
    // Under a request budget the trigger stays its own activity: it runs ahead of the checks there.
    if (this.triggersAndAwaits && this.requestQueue === undefined) return this.triggerAndAwait(baseline);
    try {
      const startToClose = TRIGGER_CALLS * this.responseTimeoutMs + CALL_MARGIN_MS;
      const priority = this.requestQueue === undefined ? undefined : taskPriority(this.ref.connection, TRIGGER_PRIORITY_KEY);
      this.adopt(await this.activities(TRIGGER_RETRY, startToClose, priority).triggerSync({ ref: this.ref, baselineAttempts: baseline.attempts }));
      return undefined;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const cause = err instanceof ActivityFailure ? err.cause : undefined;
      if (this.neverGuesses && err instanceof ActivityFailure && !(cause instanceof ApplicationFailure && cause.nonRetryable)) {
        if (ranOutOfTime(err)) throw this.timedOut();
        return this.confirmTrigger(baseline, err);
      }
      if (!(cause instanceof ApplicationFailure) || cause.nonRetryable) {
        throw err instanceof ActivityFailure ? this.labelStudioFailure(err) : err;
      }
      // Still failing after the quick retries: no sync started (meta.attempts did not move).
      this.syncAttempt = baseline.attempts;
      this.record('failed', { ...baseline, traceback: cause.message });
      return cause.message;
    }
  }

  /** The sync a trigger started, or found an earlier try's POST had started. */
  private adopt(triggered: TriggerSyncResult): void {
    this.latest = triggered.snapshot;
    this.syncAttempt = triggered.syncAttempt;
    this.ownSyncs.add(triggered.syncAttempt);
    this.mode = triggered.posted ? 'triggered' : 'landed-earlier';
  }

  /**
   * Triggers and polls in one activity. Its failures before the trigger had a result are the trigger's
   * (permanent, out of time, or quick tries used up: read whether a POST landed); after it, they carry
   * the result and are the poll's.
   */
  private async triggerAndAwait(baseline: StorageSnapshot): Promise<string | undefined> {
    this.enter('syncing');
    const { triggerAndAwaitSync } = proxyActivities<Activities>({
      startToCloseTimeout: Math.max(TRIGGER_CALLS * this.responseTimeoutMs, READ_CALLS * this.readTimeoutMs) + CALL_MARGIN_MS,
      heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
      scheduleToCloseTimeout: this.remaining(),
      retry: this.pollRetry(),
    });
    try {
      const { triggered, end } = await triggerAndAwaitSync({ ref: this.ref, baselineAttempts: baseline.attempts, ...this.pollInput() });
      this.adopt(triggered);
      this.endSeen = end;
      return undefined;
    } catch (err) {
      if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
      const triggered = triggeredBefore(err);
      if (triggered) {
        this.adopt(triggered);
        this.enter('waiting');
        throw this.pollFailure(err);
      }
      if (ranOutOfTime(err)) throw this.timedOut();
      const cause = err.cause;
      if (cause instanceof ApplicationFailure && cause.nonRetryable && cause.type !== FailureType.SyncTriggerGaveUp) throw this.labelStudioFailure(err);
      return this.confirmTrigger(baseline, err);
    }
  }

  /**
   * The trigger ended without a clean answer: Label Studio's meta.attempts says whether its POST
   * landed. A trigger that failed by itself did so only once its POST could no longer land; one that
   * died (its worker crashed, it timed out) may have a POST still on its way, so the workflow waits
   * that out before it looks.
   */
  private async confirmTrigger(baseline: StorageSnapshot, err: ActivityFailure): Promise<string | undefined> {
    if (!(err.cause instanceof ApplicationFailure)) await sleep(Math.max(0, Math.min(2 * this.responseTimeoutMs, this.deadline - Date.now())));
    this.latest = await this.durableRead();
    if (this.latest.attempts > baseline.attempts) return this.attachLanded(this.latest);
    const message = err.cause?.message ?? err.message;
    this.syncAttempt = baseline.attempts;
    this.record('failed', { ...this.latest, traceback: message });
    return message;
  }

  private attachLanded(snapshot: StorageSnapshot): undefined {
    this.syncAttempt = snapshot.attempts;
    this.ownSyncs.add(snapshot.attempts);
    this.mode = 'landed-earlier';
    log.info('a sync trigger had landed; waiting for that sync instead of triggering another', { syncAttempt: snapshot.attempts });
    return undefined;
  }

  /** Reads the storage and learns the worker's timeouts, which size the activity timeouts. */
  private async read(retry: RetryPolicy): Promise<StorageSnapshot> {
    return this.learnTimeouts(await this.activities(retry, this.readStartToClose()).readStorage(this.ref, ...this.readOptions()));
  }

  /** With unreachableTimeout, reads stop once Label Studio has not answered for that long; without it, the read's input is as it always was. */
  private readOptions(): [] | [Omit<ReadStorageOptions, 'routed'>] {
    const { unreachableTimeoutMs } = this.cfg;
    return unreachableTimeoutMs === undefined ? [] : [{ unreachableTimeoutMs }];
  }

  /** The snapshot of a read; the worker timeouts it reports size the activities from here on. */
  private learnTimeouts({ responseTimeoutMs, readTimeoutMs, lineage, ...snapshot }: StorageRead): StorageSnapshot {
    if (responseTimeoutMs) this.responseTimeoutMs = responseTimeoutMs;
    if (readTimeoutMs) this.readTimeoutMs = readTimeoutMs;
    if (lineage) this.lineageOn = true;
    return snapshot;
  }

  /** A read or a poll try: its calls at the read timeout, and the margin. */
  private readStartToClose(): number {
    return READ_CALLS * this.readTimeoutMs + CALL_MARGIN_MS;
  }

  /** A read that decides whether a sync started: retried until it succeeds or the overall timeout ends. */
  private async durableRead(): Promise<StorageSnapshot> {
    try {
      return await this.read(DURABLE_READ_RETRY);
    } catch (err) {
      if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
      if (ranOutOfTime(err)) throw this.timedOut();
      throw this.labelStudioFailure(err);
    }
  }

  /** On cancel, the storage as it stands now goes into the report; a Label Studio that does not answer leaves the last known one. */
  private async lastLook(): Promise<void> {
    const { readStorage } = proxyActivities<Activities>({
      ...this.routing(),
      startToCloseTimeout: this.readStartToClose(),
      heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
      scheduleToCloseTimeout: '1m',
      retry: { initialInterval: '1s', maximumAttempts: 3 },
    });
    try {
      this.latest = this.learnTimeouts(await CancellationScope.nonCancellable(() => readStorage(this.ref)));
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
    }
  }

  /** Activities bounded by what is left of the overall timeout, so a dead Label Studio cannot outlast it. */
  private activities(retry: RetryPolicy, startToCloseMs: number, priority?: ActivityOptions['priority']) {
    return proxyActivities<Activities>({
      ...this.routing(),
      ...(priority && { priority }),
      startToCloseTimeout: startToCloseMs,
      heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
      scheduleToCloseTimeout: this.remaining(),
      retry,
    });
  }

  /** The task queue of this sync's Label Studio calls, when its connection has a request budget. */
  private routing(): Pick<ActivityOptions, 'taskQueue'> {
    return this.requestQueue === undefined ? {} : { taskQueue: this.requestQueue };
  }

  /** What is left of the overall timeout; none left ends the sync as timed out. */
  private remaining(): number {
    const remaining = this.deadline - Date.now();
    if (remaining <= 0) throw this.timedOut();
    return remaining;
  }

  /** The poll: one activity retried until the sync ends, each check placing the next, bounded by the overall timeout. */
  private async awaitEnd(): Promise<AwaitSyncEndResult> {
    const { awaitSyncEnd } = proxyActivities<Activities>({
      ...this.routing(),
      startToCloseTimeout: this.readStartToClose(),
      heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
      scheduleToCloseTimeout: this.remaining(),
      retry: this.pollRetry(),
    });
    try {
      return await awaitSyncEnd({ ref: this.ref, syncAttempt: this.syncAttempt!, ...this.pollInput() });
    } catch (err) {
      if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
      throw this.pollFailure(err);
    }
  }

  /** The poll's retries space only the checks that set no delay themselves; no maximumAttempts: the overall timeout ends the poll. */
  private pollRetry(): RetryPolicy {
    return { initialInterval: Math.min(POLL_RECOVERY_MAX_MS, this.cfg.poll.initialMs), backoffCoefficient: 2, maximumInterval: Math.min(POLL_RECOVERY_MAX_MS, this.cfg.poll.maxMs) };
  }

  private pollInput(): Omit<AwaitSyncEndInput, 'ref' | 'syncAttempt'> {
    return {
      stallTimeoutMs: this.cfg.stallTimeoutMs,
      poll: this.cfg.poll,
      previousDurationMs: this.previousDurationMs,
      ...(this.cfg.unreachableTimeoutMs !== undefined && { unreachableTimeoutMs: this.cfg.unreachableTimeoutMs }),
    };
  }

  /** How a poll that did not see the end ends the sync: timed out, stalled, or Label Studio's error. */
  private pollFailure(err: ActivityFailure): ApplicationFailure {
    if (ranOutOfTime(err)) {
      this.latest = lastPolled(err) ?? this.latest;
      return this.timedOut();
    }
    if (err.cause instanceof ApplicationFailure && err.cause.type === FailureType.SyncStalled) {
      const snapshot = (err.cause.details?.[0] as StorageSnapshot | undefined) ?? this.latest;
      this.latest = snapshot;
      this.record('stalled', snapshot);
      return this.fail('stalled', FailureType.SyncStalled, err.cause.message);
    }
    return this.labelStudioFailure(err);
  }

  private async backOffOrGiveUp(end: Pick<StorageSnapshot, 'status' | 'traceback'>, deadForMs?: number): Promise<void> {
    const what = end.status === 'failed' ? 'failed' : 'completed with errors';
    const type = end.status === 'failed' ? FailureType.SyncFailed : FailureType.SyncCompletedWithErrors;
    const outcome: SyncOutcome = end.status === 'failed' ? 'failed' : 'completed_with_errors';
    if (this.attempt >= this.cfg.maxAttempts) {
      throw this.fail(outcome, type, `sync of ${this.describe()} ${what} ${this.attempt} time(s), the maximum${excerpt(end.traceback)}`);
    }
    const backoff = backoffDelay(this.cfg.retryBackoff, this.attempt);
    const sinceDeath = deadForMs !== undefined && patched(DEAD_JOB_BACKOFF_PATCH);
    const delay = sinceDeath ? Math.max(0, backoff - deadForMs) : backoff;
    if (Date.now() + delay >= this.deadline) {
      throw this.fail(outcome, type, `sync of ${this.describe()} ${what} and the overall timeout leaves no room for another attempt${excerpt(end.traceback)}`);
    }
    log.warn(`sync ${what}; retrying after a backoff${sinceDeath ? ' counted from its job\'s last ping' : ''}`, { attempt: this.attempt, delayMs: delay });
    this.enter('backing-off');
    if (!sinceDeath || delay > 0) await sleep(delay);
  }

  /** A sync that ended well; with verifyTarget 'off' this schedules nothing, as before the option existed. */
  private async succeed(outcome: SyncOutcome): Promise<SyncReport> {
    const policy = this.cfg.verifyTarget;
    if (policy !== 'off') await this.verifyTarget(policy);
    return this.finish(outcome);
  }

  /** Label Studio counts failed writes as synced: count what reached the target and compare. */
  private async verifyTarget(policy: 'warn' | 'strict'): Promise<void> {
    this.enter('done'); // Label Studio's part is over; a cancel from here on must not record another attempt
    const expected = this.latest?.lastSyncCount ?? null;
    const remaining = this.deadline - Date.now();
    this.verification = remaining > 0
      ? await this.countTarget(policy, expected, remaining)
      : uncountedTarget(policy, this.cfg.verifyBy, expected, 'the overall timeout left no time to check');
    if (this.verification.status === 'verified') return;
    const message = `target check of ${this.describe()}: ${this.verification.message}`;
    if (policy === 'strict') throw this.fail('failed', FailureType.TargetShortfall, message);
    log.warn(message);
    this.warnings.push(message);
  }

  /** The check runs within what is left of the overall timeout; failing to check is a finding, not an error. */
  private async countTarget(policy: 'warn' | 'strict', expected: number | null, remaining: number): Promise<TargetVerification> {
    const { countTargetObjects, verifyTargetKeys } = proxyActivities<Activities>({ ...TARGET_COUNT, ...this.routing(), scheduleToCloseTimeout: remaining });
    try {
      return this.cfg.verifyBy === 'keys'
        ? judgeTargetKeys(policy, await verifyTargetKeys(this.ref))
        : judgeTargetCount(policy, expected, await countTargetObjects(this.ref));
    } catch (err) {
      if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
      return uncountedTarget(policy, this.cfg.verifyBy, expected, err.cause?.message ?? err.message);
    }
  }

  /**
   * The baseline before anything is triggered. Repeating it after a crash costs nothing, so one try
   * runs as a local activity, recorded (a marker) before the trigger is scheduled. A try that fails
   * for a reason that may pass hands over to the read activity, whose retries the overall timeout
   * bounds (a local activity's retries here outlive its schedule-to-close). Permanent errors fail the
   * workflow with the report attached. When the connection has a request budget, the local try reads
   * nothing and answers with its queue: the baseline is read there, within the budget.
   */
  private async firstRead(): Promise<StorageSnapshot> {
    try {
      if (this.localFirstRead) {
        try {
          const read = await this.localRead();
          if (!('requestQueue' in read)) return this.learnTimeouts(read);
          this.requestQueue = read.requestQueue;
        } catch (err) {
          const failure = err instanceof ActivityFailure ? err.cause : err;
          if (isCancellation(err) || (failure instanceof ApplicationFailure && failure.nonRetryable)) throw err;
        }
      }
      return await this.read(REQUEST_RETRY);
    } catch (err) {
      if (isCancellation(err)) throw err;
      // A local activity's failure can reach the workflow bare, not wrapped in an ActivityFailure.
      if (err instanceof ActivityFailure || err instanceof ApplicationFailure) throw this.labelStudioFailure(err);
      throw err;
    }
  }

  private localRead(): Promise<StorageRead | RequestRoute> {
    const { readStorage } = proxyLocalActivities<Activities>({
      startToCloseTimeout: Math.min(this.readStartToClose(), this.remaining()),
      retry: { maximumAttempts: 1 },
    });
    return readStorage(this.ref, { routed: true });
  }

  private labelStudioFailure(err: ActivityFailure | ApplicationFailure): ApplicationFailure {
    const failure = err instanceof ActivityFailure ? err.cause : err;
    // Cut short by the overall timeout: the last Label Studio error says why.
    const cause = failure instanceof TimeoutFailure && failure.cause ? failure.cause : failure;
    const message = cause?.message ?? err.message;
    const type = cause instanceof ApplicationFailure && cause.type ? cause.type : FailureType.LabelStudio;
    return this.fail('failed', type, message, err);
  }

  private timedOut(): ApplicationFailure {
    this.record('timed_out', this.latest);
    return this.fail(
      'timed_out',
      FailureType.SyncTimedOut,
      `sync of ${this.describe()} did not end within the overall timeout; the last status was ${this.latest?.status ?? 'unknown'} and Label Studio may still be running it`,
    );
  }

  private fail(outcome: SyncOutcome, type: string, message: string, cause?: Error): ApplicationFailure {
    return ApplicationFailure.create({ message, type, nonRetryable: true, details: [this.finish(outcome)], cause });
  }

  private finish(outcome: SyncOutcome): SyncReport {
    this.enter('done');
    this.setStatusAttribute(outcome);
    return this.report(outcome);
  }

  private report(outcome: SyncOutcome): SyncReport {
    const labelStudioSyncs = this.labelStudioSyncs();
    return {
      storage: {
        connection: this.ref.connection,
        type: this.ref.type,
        id: this.ref.id,
        project: this.latest?.project ?? null,
        title: this.latest?.title ?? null,
      },
      outcome,
      attempts: [...this.records],
      startedAt: this.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      final: this.latest,
      warnings: [...this.warnings, ...this.unexpectedSyncsWarning(labelStudioSyncs)],
      labelStudioSyncs,
      ...(this.verification && { verification: this.verification }),
    };
  }

  /** What Label Studio ran for the storage while this workflow ran, against what this workflow started. */
  private labelStudioSyncs(): SyncReport['labelStudioSyncs'] {
    const ran = this.firstAttempts === null || !this.latest ? 0 : Math.max(0, this.latest.attempts - this.firstAttempts);
    return { ran, triggered: this.ownSyncs.size };
  }

  /** Syncs this workflow did not start are named, never passed over: two exports may have raced on the target. */
  private unexpectedSyncsWarning({ ran, triggered }: SyncReport['labelStudioSyncs']): string[] {
    if (ran <= triggered) return [];
    const message =
      `Label Studio ran ${ran} syncs for ${triggered} trigger(s) of ${this.describe()}: ` +
      'another client, a second workflow or a proxy that sent the POST again started the others';
    log.warn(message);
    return [message];
  }

  private record(status: AttemptStatus, s: StorageSnapshot | null, eta?: EtaReport): void {
    this.records.push({
      attempt: this.attempt,
      mode: this.mode,
      syncAttempt: this.syncAttempt ?? s?.attempts ?? 0,
      status,
      startedAt: this.attemptStartedAt.toISOString(),
      endedAt: new Date().toISOString(),
      lastSync: s?.lastSync ?? null,
      lastSyncCount: s?.lastSyncCount ?? null,
      lastSyncJob: s?.lastSyncJob ?? null,
      traceback: s?.traceback ?? null,
      ...(eta && { eta }),
    });
  }

  private enter(phase: SyncPhase): void {
    this.phase = phase;
    this.phaseSince = new Date();
  }

  private setStatusAttribute(status: string): void {
    if (this.tracked) upsertSearchAttributes([{ key: SYNC_STATUS, value: status }]);
  }

  private describe(): string {
    return `${this.ref.type} storage ${this.ref.id}`;
  }
}

type AttemptMode = SyncAttemptRecord['mode'];

/**
 * The snapshot the last poll saw. The overall timeout ends the poll either with its last failure
 * ("still running", snapshot in its details) or, while a try was running, with a timeout that
 * carries the last heartbeat (snapshot in it); the server drops a failure's details in the latter.
 */
function lastPolled(err: ActivityFailure): StorageSnapshot | undefined {
  const cause = err.cause;
  if (cause instanceof TimeoutFailure) return (cause.lastHeartbeatDetails as PollHeartbeat | undefined)?.snapshot;
  if (cause instanceof ApplicationFailure && cause.type === FailureType.SyncStillRunning) return cause.details?.[0] as StorageSnapshot | undefined;
  return undefined;
}

/**
 * What triggerAndAwaitSync's trigger had started when the activity failed after it: the last detail of
 * its failure, or, when the overall timeout cut a try, of its last heartbeat.
 */
function triggeredBefore(err: ActivityFailure): TriggerSyncResult | undefined {
  const cause = err.cause;
  if (cause instanceof TimeoutFailure) return (cause.lastHeartbeatDetails as TriggerAndAwaitHeartbeat | undefined)?.triggered;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const last = cause.details?.at(-1) as Pick<TriggerAndAwaitHeartbeat, 'triggered'> | undefined;
  return typeof last === 'object' && last !== null ? last.triggered : undefined;
}

/** A failed sync's meta.duration is 0 (Label Studio measures it from time_failure), so only these say how long one takes. */
function endedWell(s: StorageSnapshot): boolean {
  return s.status === 'completed' || s.status === 'completed_with_errors';
}

function excerpt(traceback: string | null): string {
  if (!traceback) return '';
  const lastLine = traceback.trim().split('\n').pop() ?? '';
  return `: ${lastLine.slice(0, 300)}`;
}
