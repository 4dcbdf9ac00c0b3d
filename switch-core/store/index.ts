/** Public face of the switch's store: the interface, its two engines and the shared migrations. */
export * from './switch-store';
export { openSqliteStore, isSqliteStore, type SqliteSwitchStore, type StoreOptions } from './sqlite-store';
export { openPostgresStore, type PostgresSwitchStore } from './postgres-store';
export { migrate, LATEST_VERSION, MIGRATIONS, newerSchemaMessage } from './migrations';
export { OPERATION_OF_ROW } from './rows';
