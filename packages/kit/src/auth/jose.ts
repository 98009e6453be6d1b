/**
 * jose 6 is published as ECMAScript modules only, and the kit compiles to CommonJS (`module: Node16`), where a
 * static `import` of it is refused by TypeScript and needs `require(esm)` (Node 20.19+) at run time. A dynamic
 * `import()` works on every Node the platform supports, so jose is loaded once, on first use, through here.
 */
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };

/** The jose module's namespace. */
export type Jose = typeof JoseModule;
/** jose's JWT claims set type. */
export type { JWTPayload } from 'jose' with { 'resolution-mode': 'import' };

let loading: Promise<Jose> | undefined;

/** The jose module, imported on the first call and shared after. */
export function jose(): Promise<Jose> {
  loading ??= import('jose');
  return loading;
}
