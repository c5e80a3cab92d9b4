/**
 * `--suite` and `--dataset` selection. A dataset name matches exactly or by family
 * (`--dataset narrow` runs every row count of the narrow generator that the profile
 * includes); naming a dataset exactly runs it whatever the profile.
 */
import type { Registry } from './registry.js';
import type { Dataset, Profile, Suite } from './types.js';

export function selectSuites(registry: Registry, names: readonly string[] | undefined): Suite[] {
  const all = [...registry.suites.values()];
  if (names === undefined || names.length === 0) return all;
  return names.map((name) => {
    const suite = registry.suites.get(name);
    if (suite === undefined) throw new Error(`unknown suite "${name}"; known: ${all.map((s) => s.name).join(', ')}`);
    return suite;
  });
}

export function selectDatasets(registry: Registry, names: readonly string[] | undefined, profile: Profile): Dataset[] {
  const all = [...registry.datasets.values()].sort(compareDatasets);
  if (names === undefined || names.length === 0) return all.filter((d) => d.profiles.includes(profile));
  const chosen = new Set<Dataset>();
  for (const name of names) {
    const exact = registry.datasets.get(name);
    if (exact !== undefined) {
      chosen.add(exact);
      continue;
    }
    const family = all.filter((d) => d.family === name);
    if (family.length === 0) {
      const families = [...new Set(all.map((d) => d.family))].join(', ');
      throw new Error(`unknown dataset "${name}"; families: ${families}; names: ${all.map((d) => d.name).join(', ')}`);
    }
    const inProfile = family.filter((d) => d.profiles.includes(profile));
    for (const dataset of inProfile.length > 0 ? inProfile : family) chosen.add(dataset);
  }
  return [...chosen].sort(compareDatasets);
}

/** Family order of registration is not stable across file systems: sort by family, then rows, then name. */
function compareDatasets(a: Dataset, b: Dataset): number {
  if (a.family !== b.family) return a.family.localeCompare(b.family);
  const rows = (a.rows ?? 0) - (b.rows ?? 0);
  if (rows !== 0) return rows;
  return a.name.localeCompare(b.name);
}
