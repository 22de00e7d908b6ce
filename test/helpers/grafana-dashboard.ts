interface Target {
  expr: string;
}
interface Panel {
  type: string;
  title: string;
  targets?: Target[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query: string };
}
export interface Dashboard {
  panels: Panel[];
  templating: { list: Variable[] };
}

/** Every PromQL query of a dashboard: each panel's targets and each query variable's `label_values(...)`. */
export function dashboardQueries(dashboard: Dashboard): { where: string; expr: string }[] {
  const panels = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })));
  const variables = dashboard.templating.list
    .filter((v) => v.type === 'query' && v.query !== undefined)
    .map((v) => ({ where: `variable $${v.name}`, expr: typeof v.query === 'string' ? v.query : v.query!.query }));
  return [...panels, ...variables];
}

const NOT_METRICS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects, as written (a histogram's `_bucket` included).
 * Strings, label matchers, ranges, grouping label lists and Grafana variables are taken out first;
 * what remains is function calls (a name before `(`), keywords, numbers and the metric names.
 * `label_values(metric{...}, label)` names its metric only.
 */
export function metricNamesIn(expr: string): string[] {
  const labelValues = /^label_values\(\s*([a-zA-Z_:][\w:]*)/.exec(expr);
  if (labelValues) return [labelValues[1]!];
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\w+/g, '');
  const names = [...bare.matchAll(/\b[a-zA-Z_:][\w:]*\b(?!\s*\()/g)].map((m) => m[0]).filter((name) => !NOT_METRICS.has(name.toLowerCase()));
  return [...new Set(names)];
}

/** The sample names a Prometheus text exposition holds (`foo_bucket`, `foo_sum`, `foo_count` for a histogram `foo`). */
export function exposedSampleNames(text: string): Set<string> {
  return new Set(text.split('\n').flatMap((line) => /^([a-zA-Z_:][\w:]*)(?:\{.*\})? \S+/.exec(line)?.[1] ?? []));
}
