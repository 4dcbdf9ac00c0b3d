/** Public face of the switch's store: the interface, its two engines and the shared migrations. */
export * from './switch-store';
export { SqliteSwitchStore, openSqliteStore, type StoreOptions } from './sqlite-store';
export { PostgresSwitchStore, openPostgresStore } from './postgres-store';
export { migrate, LATEST_VERSION, MIGRATIONS } from './migrations';
export { OPERATION_OF_ROW } from './rows';
