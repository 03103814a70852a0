// Builds the search, list, metadata-search and migration services from the engine's stores.
import type { Redis } from 'ioredis';
import type { SearchDeps } from '../api/routes/search-routes.ts';
import { Bookmarks } from '../store/bookmarks.ts';
import type { Keys } from '../store/keys.ts';
import type { RedisExternalEventStore } from '../store/redis/external-event-store.ts';
import type { RedisMetadataStore } from '../store/redis/metadata-store.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';
import { RedisSearchStore } from '../store/redis/search-store.ts';
import { MetadataSearchService } from './metadata-search-service.ts';
import { MigrationService } from './migration-service.ts';
import type { Definitions } from '../apply/definitions.ts';
import type { ExternalEventService } from './external-event-service.ts';
import { RunObjectService } from './run-object-service.ts';
import { SearchService } from './search-service.ts';

export interface SearchStores {
  redis: Redis;
  keys: Keys;
  runs: RedisRunStore;
  metadataStore: RedisMetadataStore;
  externalEvents: RedisExternalEventStore;
  definitions: Definitions;
  externalEventService: ExternalEventService;
}

export function buildSearchServices(stores: SearchStores, bookmarkSecret: string): SearchDeps {
  const bookmarks = new Bookmarks(`${bookmarkSecret}/search`);
  const searchStore = new RedisSearchStore(stores.redis, stores.keys);
  return {
    search: new SearchService(searchStore, stores.metadataStore, stores.keys, bookmarks),
    migration: new MigrationService(stores.runs, searchStore, stores.definitions),
    metadataSearch: new MetadataSearchService(stores.metadataStore, stores.externalEvents, bookmarks),
    runObjects: new RunObjectService(stores.runs, stores.externalEventService, bookmarks),
  };
}
