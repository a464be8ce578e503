/** Pure graph functions over a workflow's steps (edges point from a dependency to its dependent). */
export interface DagStep {
  readonly id: string;
  readonly dependsOn: readonly string[];
}

/**
 * The first dependency cycle found, as a path that ends where it starts (`['a', 'b', 'a']`), or undefined.
 * Unknown dependencies are ignored here (they are reported on their own).
 */
export function findCycle(steps: readonly DagStep[]): string[] | undefined {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const dependency of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(dependency)) continue;
      const cycle = visit(dependency);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const step of steps) {
    const cycle = visit(step.id);
    // Found walking dependencies (child → parent); report it in the direction work flows (parent → child).
    if (cycle) return cycle.reverse();
  }
  return undefined;
}

/** Every step's transitive dependencies. Only for an acyclic graph. */
export function ancestorsOf(steps: readonly DagStep[]): Map<string, Set<string>> {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const ancestors = new Map<string, Set<string>>();
  const collect = (id: string): Set<string> => {
    const known = ancestors.get(id);
    if (known) return known;
    const found = new Set<string>();
    for (const dependency of byId.get(id)?.dependsOn ?? []) {
      found.add(dependency);
      for (const further of collect(dependency)) found.add(further);
    }
    ancestors.set(id, found);
    return found;
  };
  steps.forEach((step) => collect(step.id));
  return ancestors;
}

/**
 * Steps by depth (the longest dependency chain above each): layer 0 has the steps without dependencies, and every
 * step sits below all of its dependencies. Within a layer, declaration order. Only for an acyclic graph.
 */
export function dagLayers<S extends DagStep>(steps: readonly S[]): S[][] {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const depth = new Map<string, number>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const deps = (byId.get(id)?.dependsOn ?? []).filter((dependency) => byId.has(dependency));
    const value = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depthOf));
    depth.set(id, value);
    return value;
  };
  const layers: S[][] = [];
  for (const step of steps) (layers[depthOf(step.id)] ??= []).push(step);
  return layers.filter(Boolean);
}
