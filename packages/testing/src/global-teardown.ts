export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as { __govhallStops?: Array<() => Promise<void>> }).__govhallStops ?? [];
  await Promise.all(stops.map((stop) => stop()));
}
