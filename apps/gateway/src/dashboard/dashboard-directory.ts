import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Where the dashboard's static files are. They are plain files next to this module in the source tree; `tsc` does not
 * copy them into dist/, so a compiled gateway (`npm start`) serves them from the source tree, and the Docker image
 * copies them next to the compiled module.
 */
export function dashboardDirectory(): string {
  const candidates = [
    path.join(__dirname, 'public'),
    // dist/apps/gateway/src/dashboard → the repository root is five levels up.
    path.resolve(__dirname, '..', '..', '..', '..', '..', 'apps', 'gateway', 'src', 'dashboard', 'public'),
  ];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
  if (!found) throw new Error(`dashboard files not found (looked in ${candidates.join(', ')})`);
  return found;
}
