/**
 * Joint items (联办件): parts by department with "depends on" edges. Validation of the graph, and the serial
 * and parallel order that follows from it (Liucheng's rule: where one approval depends on another they run in
 * series, otherwise in parallel). Pure, no I/O.
 */
import type { FieldViolation } from '@govhall/kit';
import { sumLimits, type LimitUnit, type TimeLimit } from './items-limits';

/** One department's part of a joint item. */
export interface JointSubItem {
  /** Unique within the item; edges refer to parts by code. */
  readonly code: string;
  readonly name: string;
  readonly departmentId: string;
  /** The catalogue item this part is, when it is one. */
  readonly itemId: string | null;
  /** The part's own limit; when every part has one, the longest chain must fit the promised limit. */
  readonly limit: TimeLimit | null;
}

/** `subItem` cannot start before `dependsOn` has finished. */
export interface JointEdge {
  readonly subItem: string;
  readonly dependsOn: string;
}

/**
 * How a joint case finds its lead department (牵头部门, which joins the parts and decides): the one named, the
 * department of the part every other part follows (the graph's one source: 责任部门牵头), or that of the part
 * that follows every other part (the graph's one sink: the last approving department leads, Gulou).
 */
export const JointLeadRules = {
  named: 'named',
  firstDepartment: 'first_department',
  lastApproving: 'last_approving',
} as const;
export type JointLeadRule = (typeof JointLeadRules)[keyof typeof JointLeadRules];

export interface JointProcess {
  /** The lead under NAMED; under the other rules empty, or the department the rule gives. */
  readonly leadDepartmentId: string;
  readonly leadRule: JointLeadRule;
  readonly subItems: readonly JointSubItem[];
  readonly edges: readonly JointEdge[];
}

/**
 * A dependency cycle: the codes along it in "depends on" order (first = last), and the index of the edge
 * blamed for it: the last-listed edge on the cycle, usually the one most recently added.
 */
export interface DependencyCycle {
  readonly codes: readonly string[];
  readonly edgeIndex: number;
}

/**
 * The first dependency cycle a depth-first walk meets, visiting parts and edges in their listed order (so the
 * answer is stable for one input). Edges naming unknown parts, and self-dependencies, are ignored: they are
 * reported on their own.
 * @returns undefined when the graph is acyclic.
 */
export function findDependencyCycle(
  codes: readonly string[],
  edges: readonly Pick<JointEdge, 'subItem' | 'dependsOn'>[],
): DependencyCycle | undefined {
  const known = new Set(codes);
  const outgoing = new Map<string, { to: string; index: number }[]>(codes.map((c) => [c, []]));
  edges.forEach((edge, index) => {
    if (known.has(edge.subItem) && known.has(edge.dependsOn) && edge.subItem !== edge.dependsOn) {
      outgoing.get(edge.subItem)!.push({ to: edge.dependsOn, index });
    }
  });
  const state = new Map<string, 'open' | 'done'>();
  // The walk so far: each part and the edge that led to it (-1 for the start).
  const path: { code: string; via: number }[] = [];

  const visit = (code: string, via: number): DependencyCycle | undefined => {
    state.set(code, 'open');
    path.push({ code, via });
    for (const { to, index } of outgoing.get(code) ?? []) {
      const seen = state.get(to);
      if (seen === 'open') {
        const loop = path.slice(path.findIndex((step) => step.code === to));
        return {
          codes: [...loop.map((step) => step.code), to],
          edgeIndex: Math.max(index, ...loop.slice(1).map((step) => step.via)),
        };
      }
      if (seen === undefined) {
        const found = visit(to, index);
        if (found) return found;
      }
    }
    path.pop();
    state.set(code, 'done');
    return undefined;
  };

  for (const code of codes) {
    if (state.has(code)) continue;
    const found = visit(code, -1);
    if (found) return found;
  }
  return undefined;
}

/** A graph as validation sees it: part codes and edges, whatever else the parts hold. */
type GraphShape = {
  readonly subItems: readonly Pick<JointSubItem, 'code'>[];
  readonly edges: readonly Pick<JointEdge, 'subItem' | 'dependsOn'>[];
};

/**
 * Checks the graph's shape: part codes unique, edges between known parts, no self or repeated edge, no
 * cycle. Each problem names its field (`<prefix>.edges[2]`); a cycle is reported on its last-listed edge
 * and spelled out (`LX → YD → LX`, → reads "depends on").
 */
export function validateJointGraph(joint: GraphShape, prefix: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const codes = joint.subItems.map((s) => s.code);
  const known = new Set(codes);
  const seen = new Set<string>();
  joint.edges.forEach((edge, index) => {
    const field = `${prefix}.edges[${index}]`;
    if (!known.has(edge.subItem)) {
      violations.push({ field: `${field}.sub_item`, description: `no part has code "${edge.subItem}"` });
    }
    if (!known.has(edge.dependsOn)) {
      violations.push({ field: `${field}.depends_on`, description: `no part has code "${edge.dependsOn}"` });
    }
    if (edge.subItem === edge.dependsOn) {
      violations.push({ field, description: `part ${edge.subItem} cannot depend on itself` });
    }
    const key = `${edge.subItem}\u0000${edge.dependsOn}`;
    if (seen.has(key)) {
      violations.push({ field, description: `repeats the edge ${edge.subItem} → ${edge.dependsOn}` });
    }
    seen.add(key);
  });
  const cycle = findDependencyCycle([...new Set(codes)], joint.edges);
  if (cycle) {
    violations.push({
      field: `${prefix}.edges[${cycle.edgeIndex}]`,
      description: `makes a dependency cycle: ${cycle.codes.join(' → ')} (→ reads "depends on")`,
    });
  }
  return violations;
}

/** Codes of the parts that depend on nothing (the graph's sources), in listed order. */
export function sourceParts(joint: GraphShape): string[] {
  const waiting = new Set(joint.edges.map((e) => e.subItem));
  return joint.subItems.map((s) => s.code).filter((code) => !waiting.has(code));
}

/** Codes of the parts nothing depends on (the graph's sinks), in listed order. */
export function sinkParts(joint: GraphShape): string[] {
  const awaited = new Set(joint.edges.map((e) => e.dependsOn));
  return joint.subItems.map((s) => s.code).filter((code) => !awaited.has(code));
}

/**
 * The codes among which a lead rule finds the lead: the sources under FIRST_DEPARTMENT, the sinks under
 * LAST_APPROVING; undefined under NAMED (or no rule), which finds none in the graph.
 */
export function jointLeadCandidates(joint: GraphShape & { readonly leadRule?: JointLeadRule }): string[] | undefined {
  if (joint.leadRule === 'first_department') return sourceParts(joint);
  if (joint.leadRule === 'last_approving') return sinkParts(joint);
  return undefined;
}

/**
 * The part whose department leads under FIRST_DEPARTMENT (the one source) or LAST_APPROVING (the one sink);
 * undefined under NAMED, or when the graph has not exactly one such part (validation refuses that).
 */
export function jointLeadPart(joint: Pick<JointProcess, 'leadRule' | 'subItems' | 'edges'>): JointSubItem | undefined {
  const codes = jointLeadCandidates(joint);
  return codes?.length === 1 ? joint.subItems.find((s) => s.code === codes[0]) : undefined;
}

/** The lead department under the item's rule; undefined when the rule finds none (invalid content). */
export function jointLeadDepartmentId(joint: JointProcess): string | undefined {
  if (joint.leadRule === 'named') return joint.leadDepartmentId || undefined;
  return jointLeadPart(joint)?.departmentId;
}

/**
 * Topological layers of an acyclic graph: layer 0 holds the parts that depend on nothing, layer k the parts
 * whose dependencies all lie in earlier layers. Layers run in series; the parts of one layer in parallel.
 * Within a layer, parts keep their listed order.
 * @throws Error when the graph has a cycle (validate first).
 */
export function jointLayers(joint: Pick<JointProcess, 'subItems' | 'edges'>): string[][] {
  const codes = joint.subItems.map((s) => s.code);
  const dependsOn = new Map<string, Set<string>>(codes.map((c) => [c, new Set<string>()]));
  for (const edge of joint.edges) dependsOn.get(edge.subItem)?.add(edge.dependsOn);
  const placed = new Set<string>();
  const layers: string[][] = [];
  while (placed.size < codes.length) {
    const layer = codes.filter((c) => !placed.has(c) && [...dependsOn.get(c)!].every((d) => placed.has(d)));
    if (layer.length === 0) throw new Error('joint graph has a cycle; validate it before layering');
    layer.forEach((c) => placed.add(c));
    layers.push(layer);
  }
  return layers;
}

/**
 * The longest chain of part limits through an acyclic graph: how long the joint process takes when every
 * part uses its whole limit. Undefined when a part has no limit or the limits cannot be added up (working
 * days with natural days, working hours with working days).
 */
export function jointCriticalPath(joint: Pick<JointProcess, 'subItems' | 'edges'>): TimeLimit | undefined {
  const limits = joint.subItems.map((s) => s.limit);
  if (limits.some((l) => l === null)) return undefined;
  const total = sumLimits(limits as TimeLimit[]);
  if (!total) return undefined;
  // Same unit: add amounts. Mixed natural units: add in natural hours (sumLimits chose that unit).
  const unit: LimitUnit = total.unit;
  const inUnit = (limit: TimeLimit): number =>
    limit.unit === unit ? limit.amount : limit.unit === 'natural_days' ? limit.amount * 24 : limit.amount;
  const byCode = new Map(joint.subItems.map((s) => [s.code, s]));
  const finish = new Map<string, number>();
  for (const layer of jointLayers(joint)) {
    for (const code of layer) {
      const start = Math.max(
        0,
        ...joint.edges.filter((e) => e.subItem === code).map((e) => finish.get(e.dependsOn) ?? 0),
      );
      finish.set(code, start + inUnit(byCode.get(code)!.limit!));
    }
  }
  return { amount: Math.max(0, ...finish.values()), unit };
}
