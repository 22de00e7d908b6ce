// A user's own workflows, for test/plugin.test.ts: run on the same worker as the package's.
import { proxyActivities } from '@temporalio/workflow';

const { greet } = proxyActivities<{ greet(name: string): Promise<string> }>({ startToCloseTimeout: '10s' });

export async function userGreeting(name: string): Promise<string> {
  return await greet(name);
}
