// A webhook receiver with a journal, in a process of its own so a test can kill it (SIGKILL: no
// close, no flush). Its Temporal is unreachable, so whatever it answered 202 is only in its journal.
// Usage: tsx journal-receiver.ts <journal dir> <pipeline connection>; the secret in RECEIVER_SECRET.
// Prints its URL on stdout once listening.
import { Client, Connection } from '@temporalio/client';
import { createWebhookReceiver } from '../../src/webhooks';

const [journal, connection] = process.argv.slice(2);
const receiver = createWebhookReceiver({
  client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
  secret: process.env.RECEIVER_SECRET!,
  journal,
  connection,
});
void receiver.listen(0).then((url) => process.stdout.write(`${url}\n`));
