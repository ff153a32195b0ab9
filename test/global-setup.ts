// Builds the `outbox` command once per run, for the tests that drive it as a child process.
import { buildNode } from '../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await buildNode(['cli']);
}
