// Label Studio issues 5-minute access tokens for a personal access token, and no setting changes that. A
// Django settings module of our own (Label Studio's, plus SIMPLE_JWT) shortens them, so a test sees the
// client renew one on a real server within seconds.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ShortLivedAccessTokens {
  /** Environment for startLabelStudio. */
  env: Record<string, string>;
  remove(): Promise<void>;
}

export async function shortLivedAccessTokens(lifetimeSeconds: number): Promise<ShortLivedAccessTokens> {
  const dir = await mkdtemp(join(tmpdir(), 'ls-settings-'));
  // base first: label_studio.py reads django.conf.settings while it loads, which re-enters this module.
  await writeFile(join(dir, 'lst_short_access_tokens.py'), [
    'from label_studio.core.settings.base import *',
    'from label_studio.core.settings.label_studio import *',
    'from datetime import timedelta',
    `SIMPLE_JWT = {'ACCESS_TOKEN_LIFETIME': timedelta(seconds=${lifetimeSeconds})}`,
    '',
  ].join('\n'));
  return {
    env: { DJANGO_SETTINGS_MODULE: 'lst_short_access_tokens', PYTHONPATH: dir },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
