/**
 * What a target counter found. `target` names the place (bucket and prefix, folder, Redis db) but never
 * an endpoint or a credential: it goes into workflow history.
 */
export interface TargetCount {
  target: string;
  objects: number;
}

/** The keys at a target (relative to the storage's prefix), a page per listing request. */
export interface TargetListing {
  target: string;
  pages: AsyncIterable<string[]>;
}

/** Told the running total after each page, so a long listing can heartbeat. */
export type CountProgress = (objectsSoFar: number) => void;

/** The objects of a listing, counted page by page. */
export async function countListing(listing: TargetListing, progress: CountProgress = () => undefined): Promise<TargetCount> {
  let objects = 0;
  for await (const page of listing.pages) {
    objects += page.length;
    progress(objects);
  }
  return { target: listing.target, objects };
}

/** A target problem that retrying cannot fix: an unsupported storage type or a storage missing a field. */
export class PermanentTargetError extends Error {
  override readonly name = 'PermanentTargetError';
}
