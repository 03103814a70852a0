// The example tasks `npm start` and `npm run worker` serve.
import { failIfAsked } from './fail-if-asked.ts';
import { greet } from './greet.ts';
import { QUICKSTART_TASKS } from './quickstart.ts';

export const EXAMPLE_TASKS = [greet, failIfAsked, ...QUICKSTART_TASKS];
