import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

// The OpenLineage JSON Schemas this package pins (spec 2-0-2 and the facets it emits), validated
// with ajv as JSON Schema 2020-12: every event and every facet in it against its own schemaURL.
const SPEC_DIR = join(__dirname, '..', 'openlineage-spec');

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const file of readdirSync(SPEC_DIR).filter((f) => f.endsWith('.json'))) ajv.addSchema(JSON.parse(readFileSync(join(SPEC_DIR, file), 'utf8')));

/** The schema problems of one event: empty when the event and each of its facets validate. */
export function openLineageProblems(event: Record<string, any>): string[] {
  const problems = check(event.schemaURL, event);
  const facetGroups = [event.run?.facets, event.job?.facets, ...[...(event.inputs ?? []), ...(event.outputs ?? [])].flatMap((d: any) => [d.facets, d.inputFacets, d.outputFacets])];
  for (const group of facetGroups) for (const [name, facet] of Object.entries(group ?? {})) problems.push(...check((facet as any)._schemaURL, facet, name));
  return problems;
}

function check(schemaURL: unknown, value: unknown, name = 'event'): string[] {
  const validate = typeof schemaURL === 'string' ? ajv.getSchema(schemaURL) : undefined;
  if (!validate) return [`${name}: no pinned schema for ${String(schemaURL)}`];
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${name}${e.instancePath} ${e.message}`);
}
