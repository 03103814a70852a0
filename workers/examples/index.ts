// The example tasks `npm start` and `npm run worker` serve.
import { failIfAsked } from './fail-if-asked.ts';
import { greet } from './greet.ts';

export const EXAMPLE_TASKS = [greet, failIfAsked];
