// Builds the user task services (UserTaskDefs, UserTaskRuns) on an engine's stores and commit path.
import type { Engine } from '../main/colt.ts';
import { Bookmarks } from '../store/bookmarks.ts';
import { RedisUserTaskDefStore } from '../store/redis/user-task-def-store.ts';
import { RedisUserTaskRunSearch } from '../store/redis/user-task-run-search.ts';
import { UserTaskDefService } from './user-task-def-service.ts';
import { UserTaskRunService } from './user-task-run-service.ts';

export function buildUserTaskServices(engine: Engine, bookmarkSecret: string) {
  const bookmarks = new Bookmarks(bookmarkSecret);
  const userTaskDefs = new UserTaskDefService(new RedisUserTaskDefStore(engine.redis, engine.keys), bookmarks);
  const userTaskRuns = new UserTaskRunService(engine.runs, engine.applier, userTaskDefs, new RedisUserTaskRunSearch(engine.redis, engine.keys), bookmarks);
  return { userTaskDefs, userTaskRuns };
}
