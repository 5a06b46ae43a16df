// The flows, in the order they run: cheap checks first, then the flows that create state
// (which the Overview later shows), the 10,000-task workflow, the overview and the theme
// last. Each flow: {name, run(ctx), timeoutMs?, browser?: false}.
import { flows as detail } from './detail.mjs';
import { flows as lanesSessions } from './lanes_sessions.mjs';
import { flows as memorySagas } from './memory_sagas.mjs';
import { flows as resilience } from './resilience.mjs';
import { flows as routes } from './routes.mjs';
import { flows as shell } from './shell.mjs';
import { flows as validation } from './validation.mjs';
import { flows as workersOverview } from './workers_overview.mjs';

const big = detail.filter((f) => f.name.startsWith('10.'));

export const flows = [
  ...shell,
  ...routes,
  ...validation,
  ...resilience, // before 9c: the Workers page is still empty
  ...detail.filter((f) => !big.includes(f)),
  ...memorySagas,
  ...lanesSessions,
  ...workersOverview.filter((f) => f.name.startsWith('9')),
  ...big,
  ...workersOverview.filter((f) => f.name.startsWith('11')),
];
